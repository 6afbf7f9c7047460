import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';

/**
 * One engine per data folder: the desktop app and `serve` would otherwise write the same database.
 * A lock file holds the owner's pid; a stale one (its process gone) is taken over.
 */
export class InstanceLock {
  private constructor(private readonly file: string) {}

  static acquire(file: string): InstanceLock {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(file, 'wx');
        writeSync(fd, String(process.pid));
        closeSync(fd);
        return new InstanceLock(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const pid = Number(readFileSync(file, 'utf8').trim());
        if (pid && pid !== process.pid && isAlive(pid)) {
          throw new Error(`another Homebeat (pid ${pid}) is using this data folder (${file})`);
        }
        rmSync(file, { force: true });
      }
    }
    throw new Error(`could not take the lock ${file}`);
  }

  release(): void {
    rmSync(this.file, { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
