/** What the probe page reports to the test (see probe.ts). `ms`: since the page's script started. */
export type ProbeEvent =
  | { kind: "connect"; reconnected: boolean; sessionChanged: boolean; ms: number }
  | {
      kind: "image";
      topic: string;
      seq: number;
      frameId: string;
      /** `encoding` of an Image, `format` of a CompressedImage. */
      format: string;
      dataIsBytes: boolean;
      width: number;
      height: number;
      /** The canvas read back after drawing, base64 RGBA. */
      rgba: string;
      ms: number;
    }
  | { kind: "chatter"; data: string; ms: number }
  | { kind: "error"; message: string; ms: number };
