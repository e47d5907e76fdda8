/**
 * Cross-check of the standard set with @foxglove/rosmsg-msgs-common, Foxglove's independent
 * list of the common ROS 1 definitions: every type it lists is in noros/msgs with the same fields.
 * (Its definitions are parsed, normalised objects: `char`/`byte` read as `uint8`/`int8`, so they
 * cannot give md5s or full texts, which come from genpy instead.)
 */
import { ros1 } from "@foxglove/rosmsg-msgs-common";
import { codecs } from "../../generated/index.js";
import { parseFullDefinition } from "../../runtime/schema/full-text.js";

const NORMAL: Record<string, string> = { char: "uint8", byte: "int8" };

describe("standard set vs @foxglove/rosmsg-msgs-common", () => {
  const ours = codecs as Record<string, { definition: string }>;
  const theirs = Object.entries(
    ros1 as Record<
      string,
      {
        definitions: {
          name: string;
          type: string;
          isConstant?: boolean;
          isArray?: boolean;
          arrayLength?: number;
        }[];
      }
    >,
  );

  // It also lists a few packages the standard set does not cover (velodyne_msgs, ...).
  const packages = new Set(Object.keys(ours).map((n) => n.split("/")[0]));
  const covered = theirs.filter(([name]) => packages.has(name.split("/")[0]));

  it("lists many types of the standard packages", () =>
    expect(covered.length).toBeGreaterThan(100));

  it.each(covered.map(([name, def]) => [name, def] as const))(
    "%s has the same fields",
    (name, def) => {
      expect(ours[name]).toBeDefined();
      const { types } = parseFullDefinition(name, ours[name]!.definition);
      const resolved = types.resolve(name);
      const mine = resolved.fields.map((f) => ({
        name: f.name,
        type: NORMAL[f.type] ?? f.type,
        isArray: f.isArray,
        arrayLength: f.arrayLength,
      }));
      const reference = def.definitions
        .filter((d) => d.isConstant !== true)
        .map((d) => ({
          name: d.name,
          type: d.type,
          isArray: d.isArray === true,
          arrayLength: d.arrayLength,
        }));
      expect(mine).toEqual(reference);
      const constants = def.definitions.filter((d) => d.isConstant === true).map((d) => d.name);
      expect(resolved.spec.constants.map((c) => c.name)).toEqual(constants);
    },
  );
});
