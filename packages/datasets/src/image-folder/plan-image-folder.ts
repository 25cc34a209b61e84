import { compareCodePoints } from './compare-code-points.js';
import { MAX_CLASSES } from './image-folder-limits.js';
import type { SkippedFile } from './image-folder-types.js';

/** Where a file goes: its class and part, and the key that orders the data set. */
export interface PlannedFile {
  readonly label: number;
  /** `val`: a `val/` (or `test/`) folder; `main`: `train/`, or a folder without split folders. */
  readonly part: 'main' | 'val';
  /** Its path inside its class folder: images are ordered by it, then by class. */
  readonly key: string;
}

/** The structure of an image folder, worked out from its paths alone. */
export interface ImageFolderPlan {
  /** The folder the classes (or the split folders) are in: `''` or e.g. `photos`. */
  readonly root: string;
  /** The split folders, when the folder has them (paths inside the source). */
  readonly splitFolders?: { readonly train: string; readonly val: string };
  readonly classNames: readonly string[];
  /** Class folders that hold no file at all (by label). */
  readonly emptyClasses: readonly number[];
  readonly files: ReadonlyMap<string, PlannedFile>;
  /** Files outside any class folder. */
  readonly skipped: readonly SkippedFile[];
  readonly notices: readonly string[];
}

const VAL_NAMES = ['val', 'valid', 'validation', 'test'];

interface Tree {
  readonly dirs: Map<string, Tree>;
  readonly files: string[];
}

function buildTree(files: readonly string[], dirs: readonly string[]): Tree {
  const root: Tree = { dirs: new Map(), files: [] };
  const descend = (segments: readonly string[]): Tree => {
    let node = root;
    for (const segment of segments) {
      let next = node.dirs.get(segment);
      if (next === undefined) {
        next = { dirs: new Map(), files: [] };
        node.dirs.set(segment, next);
      }
      node = next;
    }
    return node;
  };
  for (const dir of dirs) descend(dir.split('/').filter((s) => s !== ''));
  for (const file of files) {
    const segments = file.split('/');
    descend(segments.slice(0, -1)).files.push(file);
  }
  return root;
}

function allFiles(tree: Tree): string[] {
  return [...tree.files, ...[...tree.dirs.values()].flatMap(allFiles)];
}

const join = (a: string, b: string) => (a === '' ? b : b === '' ? a : `${a}/${b}`);

/**
 * Works out an image folder's classes and split from its file and folder paths (hidden and
 * system files already left out): `root/<class>/…/<image>`, optionally inside `train/` and
 * `val/` (or `valid/`, `validation/`, `test/`). A single top folder holding everything (as
 * archives often have) is looked into. Classes are the class folders' names in code-point
 * order (torchvision's); images in subfolders of a class folder belong to it.
 *
 * Throws, with the folder named, when there are no class folders, more than 256, or only one
 * when training; or when `val/` has a class that `train/` lacks.
 */
export function planImageFolder(
  files: readonly string[],
  dirs: readonly string[],
  source: string,
  use: 'training' | 'evaluation',
): ImageFolderPlan {
  let tree = buildTree(files, dirs);
  let root = '';
  // Look into a lone top folder when it has folders in it: photos.zip → photos/<class>/….
  while (tree.files.length === 0 && tree.dirs.size === 1) {
    const [name, only] = [...tree.dirs][0] as [string, Tree];
    if (only.dirs.size === 0) break;
    root = join(root, name);
    tree = only;
  }
  const where = root === '' ? source : `${source}/${root}`;
  const skipped: SkippedFile[] = [];
  const notices: string[] = [];
  const byLower = new Map([...tree.dirs.keys()].map((name) => [name.toLowerCase(), name]));
  const trainName = byLower.get('train');
  const valNames = VAL_NAMES.flatMap((n) => byLower.get(n) ?? []);
  const splitFolders = trainName !== undefined && valNames.length > 0;

  const notInClass = (file: string, why: string) => skipped.push({ path: file, reason: why });
  const plannedFiles = new Map<string, PlannedFile>();
  let classNames: string[];
  let emptyClasses: number[];

  const classesOf = (node: Tree) => [...node.dirs.keys()].sort(compareCodePoints);
  const place = (
    node: Tree,
    base: string,
    part: PlannedFile['part'],
    labels: Map<string, number>,
  ) => {
    for (const file of node.files) {
      notInClass(
        file,
        `not in a class folder: put it in ${where}/${base === '' ? '' : `${base}/`}<class>/`,
      );
    }
    for (const [name, classTree] of node.dirs) {
      const label = labels.get(name) as number;
      const prefix = `${join(join(root, base), name)}/`;
      for (const file of allFiles(classTree)) {
        plannedFiles.set(file, { label, part, key: file.slice(prefix.length) });
      }
    }
  };

  if (splitFolders) {
    const valName = valNames[0] as string;
    const train = tree.dirs.get(trainName) as Tree;
    const val = tree.dirs.get(valName) as Tree;
    classNames = classesOf(train);
    const labels = new Map(classNames.map((name, i) => [name, i]));
    const unknown = classesOf(val).filter((name) => !labels.has(name));
    if (unknown.length > 0) {
      throw new Error(
        `${where}/${valName} has class folders that ${where}/${trainName} lacks (${unknown.join(', ')}); the model cannot learn classes it never trains on. Add them to ${trainName}/ or remove them from ${valName}/.`,
      );
    }
    place(train, trainName, 'main', labels);
    place(val, valName, 'val', labels);
    for (const [name, other] of tree.dirs) {
      if (name === trainName || name === valName) continue;
      const files = allFiles(other);
      if (files.length === 0) continue;
      if (VAL_NAMES.includes(name.toLowerCase())) {
        notices.push(
          `${where}/${name} is not used (${valName}/ is the validation set); evaluate it with --data ${where}/${name}`,
        );
      }
      for (const file of files) notInClass(file, `outside ${trainName}/ and ${valName}/`);
    }
    for (const file of tree.files) notInClass(file, `outside ${trainName}/ and ${valName}/`);
    emptyClasses = classNames.flatMap((name, i) =>
      allFiles(train.dirs.get(name) as Tree).length === 0 ? [i] : [],
    );
    for (const name of classNames) {
      const classVal = val.dirs.get(name);
      if (classVal === undefined || allFiles(classVal).length === 0) {
        notices.push(
          `${where}/${valName} has no images of class ${name}: its accuracy is not measured`,
        );
      }
    }
  } else {
    classNames = classesOf(tree);
    const labels = new Map(classNames.map((name, i) => [name, i]));
    place(tree, '', 'main', labels);
    emptyClasses = classNames.flatMap((name, i) =>
      allFiles(tree.dirs.get(name) as Tree).length === 0 ? [i] : [],
    );
  }
  const classRoot = splitFolders ? `${where}/${trainName}` : where;
  if (classNames.length === 0) {
    throw new Error(
      `${classRoot} has no class folders: put each class's images in a folder named after the class (${classRoot}/<class>/<image>).`,
    );
  }
  if (classNames.length > MAX_CLASSES) {
    throw new Error(
      `${classRoot} has ${classNames.length} class folders, more than the ${MAX_CLASSES} cnnkit supports; merge or remove classes.`,
    );
  }
  if (use === 'training' && classNames.length === 1) {
    throw new Error(
      `${classRoot} has one class folder (${classNames[0]}); a classifier needs at least two classes: add a folder of images for each other class.`,
    );
  }
  skipped.sort((a, b) => compareCodePoints(a.path, b.path));
  return {
    root,
    ...(splitFolders
      ? {
          splitFolders: {
            train: join(root, trainName as string),
            val: join(root, valNames[0] as string),
          },
        }
      : {}),
    classNames,
    emptyClasses,
    files: plannedFiles,
    skipped,
    notices,
  };
}
