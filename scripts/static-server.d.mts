/** A running static server: its address and how to stop it. */
export interface StaticServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Serves the files under `root` on http://127.0.0.1:port (port 0: any free port). */
export function serveStatic(root: string, options?: { port?: number }): Promise<StaticServer>;
