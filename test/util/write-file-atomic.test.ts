import { lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeFileAtomic } from "../../src/util/write-file-atomic.js";
import { tempDir } from "../helpers/repo.js";

describe("writeFileAtomic", () => {
  it("replaces a file whole and leaves no temp file beside it", () => {
    const dir = tempDir();
    const file = join(dir, "report.json");
    writeFileSync(file, "old\n");
    writeFileAtomic(file, "new\n");
    expect(readFileSync(file, "utf8")).toBe("new\n");
    expect(readdirSync(dir)).toEqual(["report.json"]);
  });

  it("gives exactly the mode asked for, whatever the umask and the old file's mode", () => {
    const dir = tempDir();
    const file = join(dir, "commit-map");
    writeFileSync(file, "old\n", { mode: 0o644 });
    const umask = process.umask(0o000);
    try {
      writeFileAtomic(file, "secret-adjacent\n", 0o600);
    } finally {
      process.umask(umask);
    }
    expect(statSync(file).mode & 0o777).toBe(0o600);
    writeFileAtomic(join(dir, "hook"), "#!/bin/sh\n", 0o755);
    expect(statSync(join(dir, "hook")).mode & 0o777).toBe(0o755);
  });

  it("replaces a symlink planted at the name instead of writing through it", () => {
    const dir = tempDir();
    const victim = join(dir, "victim");
    writeFileSync(victim, "untouched\n");
    const file = join(dir, "out");
    symlinkSync(victim, file);
    writeFileAtomic(file, "mine\n", 0o600);
    expect(readFileSync(victim, "utf8")).toBe("untouched\n");
    expect(lstatSync(file).isSymbolicLink()).toBe(false);
    expect(readFileSync(file, "utf8")).toBe("mine\n");
  });

  it("throws and leaves nothing behind when the rename cannot happen", () => {
    const dir = tempDir();
    const taken = join(dir, "taken");
    mkdirSync(join(taken, "inside"), { recursive: true }); // a non-empty folder cannot be renamed over
    expect(() => writeFileAtomic(taken, "x")).toThrow();
    expect(readdirSync(dir)).toEqual(["taken"]);
    expect(() => writeFileAtomic(join(dir, "no-such-folder", "f"), "x")).toThrow(/ENOENT/);
  });
});
