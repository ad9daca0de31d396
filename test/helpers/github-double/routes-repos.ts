import { createHash } from "node:crypto";
import type { RepoRecord } from "./create-state.js";
import type { JsonObject } from "./load-spec.js";
import { renderRepo } from "./render-repo.js";
import type { RenderContext } from "./render-context.js";
import { example } from "./render-context.js";
import type { RouteTable } from "./route-types.js";
import { GitHubError, repoFor } from "./route-types.js";

// A repository and its files through the contents API (config files such as .github/leakguard.yml).

export const repoRoutes: RouteTable = {
  "GET /repos/{owner}/{repo}": {
    auth: "installation",
    permission: ["metadata", "read"],
    handle: (req, env) => ({ status: 200, body: renderRepo(env.ctx, repoFor(req, env), true) }),
  },

  "GET /repos/{owner}/{repo}/contents/{path}": {
    auth: "installation",
    permission: ["contents", "read"],
    handle(req, env) {
      const repo = repoFor(req, env);
      const ref = req.query.get("ref");
      const files = ref === null || ref === repo.default_branch || ref === `refs/heads/${repo.default_branch}` ? repo.files : repo.filesByRef.get(ref);
      if (!files) throw new GitHubError(404, `No commit found for the ref ${ref}`);
      const path = (req.pathParams["path"] ?? "").replace(/^\/+|\/+$/g, "");
      const content = files.get(path);
      // Probot-style config loaders ask for the raw media type and get the bytes themselves.
      const accept = String(req.headers["accept"] ?? "");
      if (content !== undefined && /application\/vnd\.github(\.v3)?\.raw/.test(accept)) {
        return { status: 200, raw: { bytes: Buffer.from(content), contentType: "application/vnd.github.raw; charset=utf-8" } };
      }
      if (content !== undefined) return { status: 200, body: renderFile(env.ctx, repo, path, Buffer.from(content), ref ?? repo.default_branch) };
      // A directory answers with the list of its direct entries.
      const prefix = path === "" ? "" : `${path}/`;
      const entries = [...files.keys()].filter((p) => p.startsWith(prefix));
      if (entries.length === 0) throw new GitHubError(404, "Not Found");
      const names = [...new Set(entries.map((p) => p.slice(prefix.length).split("/")[0]!))].sort();
      const body = names.map((name) => {
        const full = prefix + name;
        const file = files.get(full);
        const entry = renderFile(env.ctx, repo, full, Buffer.from(file ?? ""), ref ?? repo.default_branch);
        delete entry["content"];
        delete entry["encoding"];
        if (file === undefined) Object.assign(entry, { type: "dir", size: 0, download_url: null });
        return entry;
      });
      return { status: 200, body };
    },
  },
};

/** Git's blob id, so `sha` is what `git hash-object` would say. */
function blobSha(bytes: Buffer): string {
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

function renderFile(ctx: RenderContext, repo: RepoRecord, path: string, bytes: Buffer, ref: string): JsonObject {
  const f = example(ctx, "content-file");
  const sha = blobSha(bytes);
  const self = `${ctx.apiUrl}/repos/${repo.full_name}/contents/${path}?ref=${encodeURIComponent(ref)}`;
  const git = `${ctx.apiUrl}/repos/${repo.full_name}/git/blobs/${sha}`;
  const html = `${repo.html_url}/blob/${ref}/${path}`;
  // GitHub wraps the base64 text at 60 characters per line.
  const content = (bytes.toString("base64").match(/.{1,60}/g) ?? []).join("\n") + "\n";
  Object.assign(f, {
    type: "file",
    encoding: "base64",
    size: bytes.length,
    name: path.split("/").pop() ?? path,
    path,
    content,
    sha,
    url: self,
    git_url: git,
    html_url: html,
    download_url: `https://raw.githubusercontent.com/${repo.full_name}/${ref}/${path}`,
    _links: { self, git, html },
  });
  return f;
}
