/**
 * Where the bridge finds definitions it cannot read off the wire: message types a client wants
 * to publish without sending a schema, and service request/response texts (a TCPROS service
 * header carries neither). Sources, first match wins: the standard bindings noros ships, the
 * `--msgs` folders, then installed ROS share folders (`/usr/share/<pkg>/msg|srv`, Debian's
 * layout, and `$ROS_PACKAGE_PATH`-style roots given by the caller).
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import * as path from "node:path";

import { compileCodec } from "../../runtime/codec/compile.js";
import { BUILTIN_TYPES } from "../../runtime/schema/model.js";

export interface MessageDefinition {
  readonly type: string;
  readonly md5sum: string;
  /** Full text (`gendeps --cat` form). */
  readonly definition: string;
}

export interface ServiceDefinition {
  readonly type: string;
  readonly md5sum: string;
  readonly request: string;
  readonly response: string;
}

interface Bundled {
  codecs: Record<
    string,
    { md5sum: string; definition: string; encode(message: unknown): Uint8Array }
  >;
  services: Record<
    string,
    { md5sum: string; request: { definition: string }; response: { definition: string } }
  >;
}

/** Folders searched when none are given: where Debian installs ROS message packages. */
export const DEFAULT_SHARE_DIRS = ["/usr/share"];

export class DefinitionLibrary {
  #bundled: Bundled | undefined;
  readonly #messages = new Map<string, MessageDefinition | null>();
  readonly #services = new Map<string, ServiceDefinition | null>();

  /**
   * @param roots folders holding packages (`<root>/<pkg>/msg/*.msg`) or a package itself
   *   (`<root>/msg/*.msg`, package name = folder name); searched in order.
   */
  constructor(private readonly roots: readonly string[]) {}

  async load(): Promise<void> {
    // Loaded on demand: the standard bindings are large and only the bridge needs them here.
    const generated = await import("../../generated/index.js");
    this.#bundled = {
      codecs: generated.codecs as unknown as Bundled["codecs"],
      services: generated.services as unknown as Bundled["services"],
    };
  }

  /** An encoder for a standard type noros ships (e.g. rosgraph_msgs/Log for /rosout). */
  encoder(type: string): ((message: unknown) => Uint8Array) | undefined {
    const codec = this.#bundled?.codecs[type];
    return codec !== undefined ? (message) => codec.encode(message) : undefined;
  }

  message(type: string): MessageDefinition | undefined {
    if (!this.#messages.has(type)) this.#messages.set(type, this.#findMessage(type) ?? null);
    return this.#messages.get(type) ?? undefined;
  }

  service(type: string): ServiceDefinition | undefined {
    if (!this.#services.has(type)) this.#services.set(type, this.#findService(type) ?? null);
    return this.#services.get(type) ?? undefined;
  }

  #findMessage(type: string): MessageDefinition | undefined {
    const bundled = this.#bundled?.codecs[type];
    if (bundled !== undefined) {
      return { type, md5sum: bundled.md5sum, definition: bundled.definition };
    }
    const text = this.#fileText(type, "msg");
    if (text === undefined) return undefined;
    const definition = this.#fullText(type, text);
    if (definition === undefined) return undefined;
    return { type, md5sum: md5Of(type, definition), definition };
  }

  #findService(type: string): ServiceDefinition | undefined {
    const logger = LOGGER_SERVICES[type];
    if (logger !== undefined) return logger;
    const bundled = this.#bundled?.services[type];
    if (bundled !== undefined) {
      return {
        type,
        md5sum: bundled.md5sum,
        request: bundled.request.definition,
        response: bundled.response.definition,
      };
    }
    const text = this.#fileText(type, "srv");
    if (text === undefined) return undefined;
    const split = /^---[ \t]*$/m.exec(text);
    const requestText = split === null ? text : text.slice(0, split.index);
    const responseText = split === null ? "" : text.slice(split.index + split[0].length + 1);
    const request = this.#fullText(`${type}Request`, requestText);
    const response = this.#fullText(`${type}Response`, responseText);
    if (request === undefined || response === undefined) return undefined;
    return { type, md5sum: "*", request, response };
  }

  /** The `.msg`/`.srv` text of `pkg/Name` from the folders. */
  #fileText(type: string, kind: "msg" | "srv"): string | undefined {
    const [pkg, name] = type.split("/");
    if (pkg === undefined || name === undefined) return undefined;
    for (const root of this.roots) {
      for (const file of [
        path.join(root, pkg, kind, `${name}.${kind}`),
        ...(path.basename(root) === pkg ? [path.join(root, kind, `${name}.${kind}`)] : []),
      ]) {
        if (existsSync(file)) return readFileSync(file, "utf8");
      }
    }
    return undefined;
  }

  /**
   * Appends the `MSG:` blocks of every nested type to a definition text, depth first in order
   * of appearance, as `gendeps --cat` does; undefined when a nested type cannot be found.
   */
  #fullText(type: string, text: string): string | undefined {
    const pkg = type.split("/")[0] ?? "";
    const blocks: string[] = [];
    const seen = new Set<string>();
    const visit = (ownerPkg: string, body: string): boolean => {
      for (const nested of nestedTypes(ownerPkg, body)) {
        if (seen.has(nested)) continue;
        seen.add(nested);
        const bundled = this.#bundled?.codecs[nested];
        const nestedText =
          bundled !== undefined
            ? bundled.definition.split(/^={80}$/m)[0]!.replace(/\n$/, "")
            : this.#fileText(nested, "msg");
        if (nestedText === undefined) return false;
        blocks.push(`${"=".repeat(80)}\nMSG: ${nested}\n${nestedText.replace(/\n?$/, "\n")}`);
        if (!visit(nested.split("/")[0] ?? "", nestedText)) return false;
      }
      return true;
    };
    if (!visit(pkg, text)) return undefined;
    return [text.replace(/\n?$/, "\n"), ...blocks].join("");
  }
}

/**
 * The logger services every roscpp and rospy node offers. Their package (roscpp) is not
 * installed as message files on Debian, so their texts are kept here, as foxglove_bridge sends
 * them (an empty side is "\n").
 */
const LOGGER_SERVICES: Record<string, ServiceDefinition> = {
  "roscpp/GetLoggers": {
    type: "roscpp/GetLoggers",
    md5sum: "32e97e85527d4678a8f9279894bb64b0",
    request: "\n",
    response: `Logger[] loggers\n\n${"=".repeat(80)}\nMSG: roscpp/Logger\nstring name\nstring level\n`,
  },
  "roscpp/SetLoggerLevel": {
    type: "roscpp/SetLoggerLevel",
    md5sum: "51da076440d78ca1684d36c868df61ea",
    request: "string logger\nstring level\n",
    response: "\n",
  },
};

const BUILTINS: ReadonlySet<string> = new Set(BUILTIN_TYPES);

/** Message types a definition text uses, resolved to `pkg/Type`. */
function nestedTypes(pkg: string, text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.replace(/#.*/, "").trim();
    if (line === "" || line.includes("=")) continue;
    const base = line.split(/\s+/)[0]!.replace(/\[.*$/, "");
    if (BUILTINS.has(base)) continue;
    const full =
      base === "Header" ? "std_msgs/Header" : base.includes("/") ? base : `${pkg}/${base}`;
    if (!out.includes(full)) out.push(full);
  }
  return out;
}

function md5Of(type: string, definition: string): string {
  return compileCodec(type, definition, { allowEmpty: true }).md5sum;
}

/** Existing share folders to search: the defaults plus `ROS_PACKAGE_PATH` entries. */
export function installedShareDirs(env: Readonly<Record<string, string | undefined>>): string[] {
  const dirs = [...DEFAULT_SHARE_DIRS, ...(env.ROS_PACKAGE_PATH ?? "").split(":")];
  return dirs.filter((d) => d !== "" && existsSync(d) && statSync(d).isDirectory());
}

/** True when `dir` looks like a package or a folder of packages (for `--msgs` checks). */
export function hasDefinitions(dir: string): boolean {
  if (!existsSync(dir)) return false;
  if (["msg", "srv"].some((k) => existsSync(path.join(dir, k)))) return true;
  return readdirSync(dir).some((entry) =>
    ["msg", "srv"].some((k) => existsSync(path.join(dir, entry, k))),
  );
}
