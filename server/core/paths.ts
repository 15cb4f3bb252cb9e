import fs from 'node:fs';
import path from 'node:path';

/**
 * The project root, found from this file whether it runs from sources (tsx)
 * or from the compiled `dist/` tree, so views and assets resolve either way.
 */
function findProjectRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'views'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`Cannot find the project root above ${start}`);
    dir = parent;
  }
}

export const projectRoot = findProjectRoot(__dirname);
export const viewsDir = path.join(projectRoot, 'views');
export const publicDir = path.join(projectRoot, 'public');
export const seedsDir = path.join(projectRoot, 'seeds');
