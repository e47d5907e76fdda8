#!/usr/bin/env node
// The `noros` command: ROS 1 topics, services, parameters and recordings over a bridge.
import { readFileSync } from "node:fs";
import { main } from "../dist/tools/cli.js";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
process.exitCode = await main(process.argv.slice(2), { version });
