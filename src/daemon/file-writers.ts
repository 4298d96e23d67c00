/**
 * openForWriting tells whether any process holds a file open for writing, from /proc: the fds
 * that resolve to the file's device and inode, and their access mode in fdinfo. It is how a
 * settled read knows a slow writer (scp over a slow link, a script writing in several steps
 * through one redirection) is still at work, whatever the pauses between its writes; a quiet
 * period alone can be outlasted by any pause. Only run after a change, so its cost (one stat per
 * open fd on the machine) is paid per edit, not per check.
 */
import { promises as fsp } from 'node:fs';

/** FileId is what identifies the file behind an fd: device and inode. */
export interface FileId {
  readonly dev: number;
  readonly ino: number;
}

const O_ACCMODE = 0o3;

async function fdsOf(pid: string): Promise<string[]> {
  try { return await fsp.readdir(`/proc/${pid}/fd`); } catch { return []; }
}

async function writesTo(pid: string, fd: string, id: FileId): Promise<boolean> {
  try {
    const st = await fsp.stat(`/proc/${pid}/fd/${fd}`);
    if (st.ino !== id.ino || st.dev !== id.dev) return false;
    const info = await fsp.readFile(`/proc/${pid}/fdinfo/${fd}`, 'latin1');
    const m = /^flags:\s*([0-7]+)/m.exec(info);
    // No flags line (a kernel without it): count the fd as a writer, the safe side.
    return m ? (parseInt(m[1]!, 8) & O_ACCMODE) !== 0 : true;
  } catch {
    return false; // the fd or the process went away meanwhile
  }
}

/** openForWriting resolves true when some process has `id` open for writing (or read-write). */
export async function openForWriting(id: FileId): Promise<boolean> {
  let pids: string[];
  try { pids = (await fsp.readdir('/proc')).filter((n) => /^\d+$/.test(n)); } catch { return false; }
  const found = await Promise.all(pids.map(async (pid) => {
    for (const fd of await fdsOf(pid)) if (await writesTo(pid, fd, id)) return true;
    return false;
  }));
  return found.includes(true);
}
