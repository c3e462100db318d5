// Which commit the desired state came from, for plans and run records (simple-git).

export interface CommitInfo {
  sha: string;
  /** The config directory has uncommitted changes. */
  dirty: boolean;
}

/** HEAD of the repository holding `directory`, or null when it is not in a git work tree. */
export async function commitOf(directory: string): Promise<CommitInfo | null> {
  // Loaded when asked (plan, apply): validate and the commands that never look at git do not pay for it.
  const { simpleGit } = await import('simple-git');
  const git = simpleGit({ baseDir: directory });
  try {
    if (!(await git.checkIsRepo())) return null;
    const sha = (await git.revparse(['HEAD'])).trim();
    const status = await git.status(['--porcelain', '--', '.']);
    return { sha, dirty: !status.isClean() };
  } catch {
    // A repository with no commit yet, or git missing: the plan simply carries no commit.
    return null;
  }
}
