#!/usr/bin/env node
// The `noros-gen` command: TypeScript bindings and codecs from ROS message definitions.
import { main } from "../dist/generator/cli.js";

process.exitCode = await main(process.argv.slice(2));
