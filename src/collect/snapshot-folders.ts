// Which files an `--input` path stands for: a file, or every .json below a folder, symbolic links followed once.
import { readdir, realpath, stat } from "node:fs/promises";
import type { Stats } from "node:fs";
import { join } from "node:path";
import { CollectOptionError } from "./errors.ts";
import { unreadable, UnreadableInput, type InputReport } from "./snapshot-shapes.ts";

/** What a file system entry is, in words, when it is not a regular file or a folder. */
function specialKind(info: Stats): string | undefined {
  if (info.isFIFO()) return "a named pipe";
  if (info.isSocket()) return "a socket";
  if (info.isCharacterDevice() || info.isBlockDevice()) return "a device";
  return undefined;
}

/** A file found while walking a folder, with the file it really is when a symbolic link led to it. */
interface FoundFile {
  readonly path: string;
  readonly target: string;
}

/** Walks folders, following symbolic links once each; every entry not read becomes a diagnostic. */
class FolderWalk {
  readonly files: FoundFile[] = [];
  readonly #visited = new Set<string>();
  readonly #into: InputReport;

  constructor(into: InputReport) {
    this.#into = into;
  }

  async folder(path: string, real: string): Promise<void> {
    this.#visited.add(real);
    let entries;
    try {
      entries = await readdir(path, { withFileTypes: true });
    } catch (error) {
      unreadable(this.#into, path, error);
      return;
    }
    for (const entry of entries) {
      const child = join(path, entry.name);
      if (entry.isSymbolicLink()) await this.#link(child);
      else if (entry.isDirectory()) await this.folder(child, join(real, entry.name));
      else if (entry.isFile()) this.#file(child, child);
      else this.#notRead(child, `is ${entry.isFIFO() ? "a named pipe" : "not a regular file"}`);
    }
  }

  async #link(path: string): Promise<void> {
    let target: string;
    let info: Stats;
    try {
      target = await realpath(path);
      info = await stat(target);
    } catch {
      this.#notRead(path, "is a symbolic link whose target does not exist or cannot be read");
      return;
    }
    if (info.isDirectory()) {
      if (this.#visited.has(target)) {
        this.#notRead(
          path,
          `is a symbolic link to ${target}, a folder already read (a loop or a second way in)`,
        );
      } else {
        this.#followed(path, target);
        await this.folder(path, target);
      }
    } else if (info.isFile()) this.#file(path, target);
    else
      this.#notRead(
        path,
        `is a symbolic link to ${target}, which is ${specialKind(info) ?? "not a regular file"}`,
      );
  }

  #file(path: string, target: string): void {
    if (!path.toLowerCase().endsWith(".json")) {
      const message = `${path} is not a .json file; not read`;
      this.#into.diagnostics.push({ level: "info", code: "not-read", message, origin: path });
    } else {
      if (target !== path) this.#followed(path, target);
      this.files.push({ path, target });
    }
  }

  #followed(path: string, target: string): void {
    const message = `${path} is a symbolic link to ${target}; followed`;
    this.#into.diagnostics.push({ level: "info", code: "symlink-followed", message, origin: path });
  }

  /** An entry that could hold rows but was not read: a gap, so the scan says it is incomplete. */
  #notRead(path: string, problem: string): void {
    const message = `${path} ${problem}; not read`;
    this.#into.diagnostics.push({ level: "warning", code: "not-read", message, origin: path });
    if (path.toLowerCase().endsWith(".json")) this.#into.gaps.push({ code: "not-read", message });
  }
}

/**
 * A folder stands for every `*.json` below it, in path order so that runs are repeatable. Only regular files
 * are opened: opening a named pipe waits for a writer that may never come.
 */
export async function expand(path: string, into: InputReport): Promise<string[]> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new UnreadableInput("does not exist or cannot be read; check the --input path");
  }
  const special = specialKind(info);
  if (special !== undefined)
    throw new CollectOptionError(
      `--input ${path} is ${special}, not a file or folder; save the rows to a .json file and pass that`,
    );
  if (!info.isDirectory()) return [path];
  const walk = new FolderWalk(into);
  await walk.folder(path, await realpath(path));
  // The same file reached twice (a link beside its target) is read once.
  const byTarget = new Map<string, string>();
  for (const { path: file, target } of walk.files.sort((a, b) => (a.path < b.path ? -1 : 1))) {
    const first = byTarget.get(target);
    if (first === undefined) byTarget.set(target, file);
    else {
      const message = `${file} is the same file as ${first}; read once`;
      into.diagnostics.push({ level: "info", code: "not-read", message, origin: file });
    }
  }
  const files = [...byTarget.values()];
  if (files.length === 0) throw new UnreadableInput("is a folder without any .json file");
  return files;
}
