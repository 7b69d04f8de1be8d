// The revision graph, modelled on Alembic's alembic/script/revision.py: plain revisions in, a map
// with heads, bases, ancestry, topological order and target resolution out. Building never throws:
// duplicates, missing parents and cycles become diagnostics with file and line. Everything is
// O(n + edges) (prefix and nearest lookups are O(n) per call) so 10,000 revisions stay cheap.
import { TargetError, type ChainDiagnostic } from '../errors';
import type { Direction, Migration, ResolvedTarget } from './model';
import { editDistance } from '../text';

const NO_EDGES: readonly number[] = Object.freeze([]);

export class RevisionGraph {
  /** duplicate-revision, missing-parent, cycle, multiple-heads (warning) ... with file and line. */
  readonly diagnostics: ChainDiagnostic[] = [];
  /** Unique revisions in file order (the first file wins for a duplicated id). */
  readonly revisions: readonly string[];

  private readonly index = new Map<string, number>();
  private readonly nodes: Migration[] = [];
  private readonly parentIdx: (readonly number[])[] = [];
  private readonly childIdx: number[][] = [];
  /** Parents plus depends_on targets: what must be applied first. */
  private readonly prereqIdx: (readonly number[])[] = [];
  /** Children plus dependents: what must be undone first. */
  private readonly successorIdx: number[][] = [];
  private readonly labels = new Map<string, number>();
  private readonly onCycle: Uint8Array;
  private readonly order: number[];
  private readonly topoPos: Int32Array;
  /** historyOrder() once per graph: the graph never changes, and the tree, the pickers and `history` all ask. */
  private history: readonly string[] | undefined;
  private readonly headList: string[];

  /** Builds the graph; never throws on bad input: problems go to `diagnostics`. */
  constructor(readonly migrations: readonly Migration[]) {
    const duplicates = new Map<string, Migration[]>();
    for (const m of migrations) {
      const existing = this.index.get(m.revision);
      if (existing !== undefined) {
        const list = duplicates.get(m.revision) ?? [this.nodes[existing]];
        list.push(m);
        duplicates.set(m.revision, list);
        continue;
      }
      this.index.set(m.revision, this.nodes.length);
      this.nodes.push(m);
    }
    this.revisions = this.nodes.map((m) => m.revision);
    const n = this.nodes.length;
    for (const [revision, files] of duplicates) {
      const where = files.map((f) => f.file).join(', ');
      for (const f of files) {
        this.diagnostics.push({
          code: 'duplicate-revision', severity: 'error', file: f.file, line: f.revisionLine, revision,
          message: `Revision ${revision} is defined by ${files.length} files: ${where}. Alembic keeps whichever it lists last (directory order) and warns "Revision ${revision} is present more than once"; give one of them a new id.`,
        });
      }
    }

    for (let i = 0; i < n; i++) {
      const m = this.nodes[i];
      for (const label of m.branchLabels) {
        const owner = this.labels.get(label);
        if (owner !== undefined && owner !== i) {
          this.diagnostics.push({
            code: 'duplicate-revision', severity: 'error', file: m.file, line: m.revisionLine, revision: m.revision,
            message: `Branch label '${label}' of ${m.revision} is already used by revision ${this.nodes[owner].revision}`,
          });
        } else if (this.index.has(label) && this.index.get(label) !== i) {
          this.diagnostics.push({
            code: 'duplicate-revision', severity: 'error', file: m.file, line: m.revisionLine, revision: m.revision,
            message: `Branch label '${label}' of ${m.revision} is also a revision id; targets naming it would be ambiguous`,
          });
        } else {
          this.labels.set(label, i);
        }
      }
    }

    for (let i = 0; i < n; i++) {
      this.childIdx.push([]);
      this.successorIdx.push([]);
    }
    for (let i = 0; i < n; i++) {
      const m = this.nodes[i];
      const parents = this.linkAll(m, m.downRevisions, 'down_revision');
      const deps = this.linkAll(m, m.dependsOn, 'depends_on');
      this.parentIdx.push(parents.length ? parents : NO_EDGES);
      for (const p of parents) this.childIdx[p].push(i);
      let prereq: readonly number[] = parents;
      if (deps.length) {
        const set = new Set(parents);
        const merged = parents.slice();
        for (const d of deps) if (!set.has(d)) { set.add(d); merged.push(d); }
        prereq = merged;
      }
      this.prereqIdx.push(prereq.length ? prereq : NO_EDGES);
      for (const p of prereq) this.successorIdx[p].push(i);
    }

    this.onCycle = new Uint8Array(n);
    this.order = this.kahn();
    if (this.order.length < n) {
      this.markCycles();
      this.order = this.kahn();
    }
    this.topoPos = new Int32Array(n).fill(-1);
    this.order.forEach((node, pos) => { this.topoPos[node] = pos; });

    const heads: string[] = [];
    for (let i = 0; i < n; i++) if (this.childIdx[i].length === 0) heads.push(this.nodes[i].revision);
    this.headList = heads.sort();
    if (heads.length > 1) {
      for (const h of heads) {
        const m = this.nodes[this.index.get(h) as number];
        this.diagnostics.push({
          code: 'multiple-heads', severity: 'warning', file: m.file, line: m.revisionLine, revision: h,
          message: `Multiple heads: ${heads.join(', ')}. Merge them (\`migration-chain merge\`) or re-parent one branch.`,
        });
      }
    }
  }

  private missingReported = 0;

  private linkAll(m: Migration, ids: readonly string[], key: string): number[] {
    const out: number[] = [];
    for (const id of ids) {
      const idx = this.index.get(id) ?? (key === 'depends_on' ? this.labels.get(id) : undefined);
      if (idx === undefined) {
        // nearest() is O(n): suggest only for the first few, so a folder of orphans stays linear.
        const near = this.missingReported++ < 20 ? this.nearest(id, 3) : [];
        this.diagnostics.push({
          code: 'missing-parent', severity: 'error', file: m.file, line: m.downRevisionLine, revision: m.revision,
          message: `${key} '${id}' of revision ${m.revision} is not defined by any file in this folder` +
            (near.length ? ` (nearest: ${near.join(', ')})` : ''),
        });
      } else if (!out.includes(idx)) {
        out.push(idx);
      }
    }
    return out;
  }

  /** Parents-first order of every node not on a cycle; LIFO keeps a branch's revisions together. */
  private kahn(): number[] {
    const n = this.nodes.length;
    const indegree = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      if (this.onCycle[i]) continue;
      for (const p of this.prereqIdx[i]) if (!this.onCycle[p]) indegree[i]++;
    }
    const stack: number[] = [];
    for (let i = n - 1; i >= 0; i--) if (!this.onCycle[i] && indegree[i] === 0) stack.push(i);
    const order: number[] = [];
    while (stack.length) {
      const u = stack.pop() as number;
      order.push(u);
      const next = this.successorIdx[u];
      for (let k = next.length - 1; k >= 0; k--) {
        const v = next[k];
        if (this.onCycle[v]) continue;
        if (--indegree[v] === 0) stack.push(v);
      }
    }
    return order;
  }

  /** Tarjan's SCC (iterative): every node of a strongly connected component of size > 1, or with a self-loop, is on a cycle. */
  private markCycles(): void {
    const n = this.nodes.length;
    const idx = new Int32Array(n).fill(-1);
    const low = new Int32Array(n);
    const onStack = new Uint8Array(n);
    const stack: number[] = [];
    let counter = 0;
    for (let root = 0; root < n; root++) {
      if (idx[root] !== -1) continue;
      const work: [number, number][] = [[root, 0]];
      idx[root] = low[root] = counter++;
      stack.push(root); onStack[root] = 1;
      while (work.length) {
        const frame = work[work.length - 1];
        const [v, k] = frame;
        const succ = this.successorIdx[v];
        if (k < succ.length) {
          frame[1]++;
          const w = succ[k];
          if (idx[w] === -1) {
            idx[w] = low[w] = counter++;
            stack.push(w); onStack[w] = 1;
            work.push([w, 0]);
          } else if (onStack[w]) {
            low[v] = Math.min(low[v], idx[w]);
          }
          continue;
        }
        work.pop();
        if (work.length) {
          const parent = work[work.length - 1][0];
          low[parent] = Math.min(low[parent], low[v]);
        }
        if (low[v] === idx[v]) {
          const component: number[] = [];
          let w: number;
          do { w = stack.pop() as number; onStack[w] = 0; component.push(w); } while (w !== v);
          const selfLoop = component.length === 1 && this.prereqIdx[v].includes(v);
          if (component.length > 1 || selfLoop) this.reportCycle(component);
        }
      }
    }
  }

  private reportCycle(component: number[]): void {
    component.sort((a, b) => a - b);
    const names = component.map((c) => this.nodes[c].revision);
    const shown = names.length > 10 ? `${names.slice(0, 10).join(', ')}, … (${names.length} revisions)` : names.join(', ');
    for (const c of component) {
      this.onCycle[c] = 1;
      const m = this.nodes[c];
      this.diagnostics.push({
        code: 'cycle', severity: 'error', file: m.file, line: m.downRevisionLine, revision: m.revision,
        message: `Revision ${m.revision} is on a cycle of down_revision/depends_on links: ${shown}`,
      });
    }
  }

  /**
   * This graph with some migrations swapped for re-parsed versions whose links and header lines are
   * unchanged (someone edited the SQL): array copies instead of a rebuild, which keeps a file
   * watcher's re-index of 10,000 revisions within a few milliseconds. Undefined when a replacement
   * changes the structure (then build a new graph).
   */
  withContentChanges(replacements: ReadonlyMap<Migration, Migration>): RevisionGraph | undefined {
    for (const [old, next] of replacements) {
      const i = this.index.get(old.revision);
      if (i === undefined || this.nodes[i] !== old || !sameLinks(old, next)) return undefined;
    }
    const swap = (m: Migration): Migration => replacements.get(m) ?? m;
    const copy = Object.assign(Object.create(RevisionGraph.prototype) as RevisionGraph, this);
    Object.assign(copy, { nodes: this.nodes.map(swap), migrations: this.migrations.map(swap), diagnostics: this.diagnostics.slice() });
    return copy;
  }

  private idxOf(revision: string): number | undefined {
    return this.index.get(revision);
  }

  private names(list: Iterable<number>): string[] {
    const out: string[] = [];
    for (const i of list) out.push(this.nodes[i].revision);
    return out;
  }

  get(revision: string): Migration | undefined {
    const i = this.idxOf(revision);
    return i === undefined ? undefined : this.nodes[i];
  }
  has(revision: string): boolean { return this.index.has(revision); }
  get size(): number { return this.nodes.length; }

  /** Revisions with no parents, in file order. */
  get bases(): string[] {
    return this.names(this.baseIdx());
  }
  /** Revisions with no children, sorted (stable). */
  get heads(): string[] { return this.headList.slice(); }
  parents(revision: string): string[] {
    const i = this.idxOf(revision);
    return i === undefined ? [] : this.names(this.parentIdx[i]);
  }
  /** Parents and resolved depends_on targets: everything that must be applied before `revision`. */
  prerequisites(revision: string): string[] {
    const i = this.idxOf(revision);
    return i === undefined ? [] : this.names(this.prereqIdx[i]);
  }
  children(revision: string): string[] {
    const i = this.idxOf(revision);
    return i === undefined ? [] : this.names(this.childIdx[i]);
  }
  isMerge(revision: string): boolean { return (this.get(revision)?.downRevisions.length ?? 0) > 1; }
  isBranchPoint(revision: string): boolean {
    const i = this.idxOf(revision);
    return i !== undefined && this.childIdx[i].length > 1;
  }
  /**
   * The branch labels Alembic shows on `revision` (RevisionMap._add_branches): its own, then those it
   * inherits. A label reaches every descendant of the revision declaring it and, when the line from
   * that revision up to its head has no branch point or merge, its ancestors down to (not into) the
   * nearest branch point or merge. Own labels in file order, inherited ones sorted (Alembic keeps a
   * set, printed in no fixed order).
   */
  branchLabelsOf(revision: string): readonly string[] {
    const i = this.idxOf(revision);
    if (i === undefined) return [];
    this.inheritedLabels ??= this.computeInheritedLabels();
    const own = this.nodes[i].branchLabels;
    const inherited = [...this.inheritedLabels[i]].filter((l) => !own.includes(l)).sort();
    return inherited.length ? [...own, ...inherited] : own;
  }

  private inheritedLabels: Set<string>[] | undefined;

  private computeInheritedLabels(): Set<string>[] {
    const sets = this.nodes.map((m) => new Set(m.branchLabels));
    // Ancestors first, so a label declared lower down travels with the ones above it, as it does in
    // Alembic whenever the declaring revisions are met in that order.
    for (const start of this.order) {
      if (this.nodes[start].branchLabels.length === 0) continue;
      const labels = [...sets[start]];
      const seen = new Uint8Array(this.nodes.length);
      const stack = [start];
      let last = start;
      while (stack.length) {
        const n = stack.pop()!;
        if (seen[n]) continue;
        seen[n] = 1;
        for (const l of labels) sets[n].add(l);
        for (const c of this.childIdx[n]) stack.push(c);
        last = n;
      }
      // Down from the last descendant visited until a branch point or a merge (Alembic's loop).
      for (let p: number | undefined = last; p !== undefined && this.childIdx[p].length <= 1 && this.parentIdx[p].length <= 1;) {
        for (const l of labels) sets[p].add(l);
        p = this.parentIdx[p][0];
      }
    }
    return sets;
  }

  isOnCycle(revision: string): boolean {
    const i = this.idxOf(revision);
    return i !== undefined && this.onCycle[i] === 1;
  }

  /** Nodes reachable from `start` along `edges` (start included only if `includeStart`). */
  private reach(start: Iterable<number>, edges: readonly (readonly number[])[], includeStart: boolean): Uint8Array {
    const seen = new Uint8Array(this.nodes.length);
    const stack: number[] = [];
    for (const s of start) {
      if (includeStart) {
        if (!seen[s]) { seen[s] = 1; stack.push(s); }
      } else {
        stack.push(s);
      }
    }
    while (stack.length) {
      const u = stack.pop() as number;
      for (const v of edges[u]) if (!seen[v]) { seen[v] = 1; stack.push(v); }
    }
    return seen;
  }

  private known(revisions: readonly string[]): number[] {
    const out: number[] = [];
    for (const r of revisions) {
      const i = this.idxOf(r);
      if (i !== undefined) out.push(i);
    }
    return out;
  }

  private toSet(mask: Uint8Array, exclude?: number): Set<string> {
    const out = new Set<string>();
    for (let i = 0; i < mask.length; i++) if (mask[i] && i !== exclude) out.add(this.nodes[i].revision);
    return out;
  }

  /** Strict ancestors (parents, grandparents, ... and depends_on targets). */
  ancestors(revision: string): Set<string> {
    const i = this.idxOf(revision);
    return i === undefined ? new Set() : this.toSet(this.reach([i], this.prereqIdx, false), i);
  }
  /** Strict descendants (children, grandchildren, ... and revisions that depend on it). */
  descendants(revision: string): Set<string> {
    const i = this.idxOf(revision);
    return i === undefined ? new Set() : this.toSet(this.reach([i], this.successorIdx, false), i);
  }
  /** Every revision, parents before children (deterministic). Revisions on a cycle are left out. */
  topologicalOrder(): string[] { return this.names(this.order); }
  /**
   * Every revision, heads first, in the order `alembic history` prints them: Alembic's
   * RevisionMap._topological_sort over all revisions from the heads down. It walks one head's line
   * down (parents and depends_on targets, as Alembic's "normalized" down revisions), switches to
   * another head whenever the next revision is still an ancestor of that head, and breaks ties by
   * file order, as Alembic does by its map's insertion order. Revisions on a cycle, which Alembic
   * refuses and no walk reaches, follow in file order so that nothing is hidden. One order for the
   * CLI's `history`, the editor's tree and its revision pickers.
   */
  historyOrder(): string[] {
    this.history ??= this.computeHistoryOrder();
    return [...this.history];
  }

  private computeHistoryOrder(): string[] {
    const n = this.nodes.length;
    const down = this.normalizedDown();
    const pending = new Uint8Array(n);
    for (const i of this.order) pending[i] = 1;
    // Alembic keeps the full ancestor set of every head it walks; all it asks of them is "is this
    // revision below that head?". A walk down from the head that never goes below the revision's
    // place in the topological order answers the same, and costs only the stretch between the two.
    const seen = new Int32Array(n);
    let visit = 0;
    const stack: number[] = [];
    const isBelow = (from: number, target: number): boolean => {
      if (from === target) return true;
      const floor = this.topoPos[target];
      if (this.topoPos[from] < floor) return false;
      visit++;
      stack.length = 0;
      stack.push(from);
      seen[from] = visit;
      while (stack.length) {
        for (const y of down[stack.pop()!]) {
          if (y === target) return true;
          if (seen[y] === visit || this.topoPos[y] < floor) continue;
          seen[y] = visit;
          stack.push(y);
        }
      }
      return false;
    };
    const current: number[] = [];
    // Alembic starts from its "real" heads: nothing builds on them, not even through depends_on.
    for (let i = 0; i < n; i++) if (pending[i] && this.successorIdx[i].length === 0) current.push(i);
    const out: number[] = [];
    let at = 0;
    while (current.length) {
      const candidate = current[at];
      // Another head still needs this revision below it: walk that head first.
      const waiting = current.length > 1 ? current.findIndex((head, k) => k !== at && isBelow(head, candidate)) : -1;
      if (waiting !== -1) { at = waiting; continue; }
      if (pending[candidate]) { out.push(candidate); pending[candidate] = 0; }
      const next = down[candidate].filter((r) => pending[r] && !current.includes(r));
      if (next.length === 0) {
        current.splice(at, 1);
        at = Math.max(at - 1, 0);
      } else {
        current[at] = next[0];
        for (const r of next.slice(1)) current.push(r);
      }
    }
    for (let i = 0; i < n; i++) if (pending[i] || this.onCycle[i]) out.push(i);
    return this.names(out);
  }

  /**
   * Per revision, what it stands on as Alembic's `_normalized_down_revisions` lists it: the parents,
   * then the depends_on targets that no ancestor (along parents) already depends on. Revisions on a
   * cycle are left out of every list.
   */
  private normalizedDown(): (readonly number[])[] {
    const out: (readonly number[])[] = [];
    for (let i = 0; i < this.nodes.length; i++) {
      const parents = this.parentIdx[i];
      const prereq = this.prereqIdx[i];
      let list: readonly number[] = prereq;
      if (prereq.length > parents.length) {
        const deps = new Set(prereq.filter((p) => !parents.includes(p)));
        const lineage = this.reach(parents, this.parentIdx, true);
        for (let a = 0; a < lineage.length; a++) {
          if (!lineage[a]) continue;
          for (const d of this.prereqIdx[a]) if (!this.parentIdx[a].includes(d)) deps.delete(d);
        }
        list = [...parents, ...deps];
      }
      out.push(list.some((p) => this.onCycle[p]) ? list.filter((p) => !this.onCycle[p]) : list);
    }
    return out;
  }

  /** Revisions equal to or ancestors of any of `heads` (the "applied" set for those recorded heads). Unknown ids are ignored. */
  appliedSet(heads: readonly string[]): Set<string> {
    return this.toSet(this.reach(this.known(heads), this.prereqIdx, true));
  }
  /** The maximal elements of an applied set: what `alembic_version` holds for it, sorted. */
  headsOf(applied: ReadonlySet<string>): string[] {
    const out: string[] = [];
    for (const r of applied) {
      const i = this.idxOf(r);
      if (i === undefined) continue;
      if (!this.successorIdx[i].some((c) => applied.has(this.nodes[c].revision))) out.push(r);
    }
    return out.sort();
  }

  /**
   * The recorded heads after running `revision` one step in `direction` from `heads`, as Alembic's
   * revision map moves them. Up: its parents and its depends_on targets stop being heads (Alembic's
   * upgrade step merges every "normalized down revision", dependencies included, so a database we
   * upgraded can be continued by Alembic and the reverse). Down: its parents and depends_on targets
   * become heads unless another remaining head still needs them (Alembic's unmerge: they stay
   * applied, so they must stay recorded). Sorted.
   */
  headsAfter(direction: Direction, heads: readonly string[], revision: string): string[] {
    const prerequisites = this.prerequisites(revision);
    if (direction === 'up') {
      const covered = new Set(prerequisites);
      return sortedUnique([...heads.filter((h) => !covered.has(h)), revision]);
    }
    const remaining = heads.filter((h) => h !== revision);
    const stillNeeded = this.appliedSet(remaining);
    const uncovered = prerequisites.filter((p) => !stillNeeded.has(p));
    return sortedUnique([...remaining, ...uncovered]);
  }

  /** The heads after running every revision of `revisions` in order from `heads`. */
  headsAfterAll(direction: Direction, heads: readonly string[], revisions: readonly string[]): string[] {
    let current = [...heads];
    for (const r of revisions) current = this.headsAfter(direction, current, r);
    return current;
  }

  /**
   * Upgrade plan: revisions to apply, parents first, to reach `target` from the applied state
   * `currentHeads` (only the ancestors of target that are not yet applied).
   */
  upgradePlan(currentHeads: readonly string[], target: readonly string[]): string[] {
    const applied = this.reach(this.known(currentHeads), this.prereqIdx, true);
    const wanted = this.reach(this.known(target), this.prereqIdx, true);
    const out: string[] = [];
    for (const i of this.order) if (wanted[i] && !applied[i]) out.push(this.nodes[i].revision);
    return out;
  }

  /**
   * Downgrade plan: revisions to undo, children first, to go from `currentHeads` down to `target`
   * (target revisions themselves stay applied; `[]` target = base, undo everything). Like Alembic,
   * only descendants of the target are undone: other branches stay. Throws TargetError when a
   * target is not applied (it is not below the current heads).
   */
  downgradePlan(currentHeads: readonly string[], target: readonly string[]): string[] {
    const applied = this.reach(this.known(currentHeads), this.prereqIdx, true);
    let undo: Uint8Array;
    if (target.length === 0) {
      undo = applied;
    } else {
      const targets: number[] = [];
      for (const t of target) {
        const i = this.idxOf(t);
        if (i === undefined) throw new TargetError(t, `Downgrade target ${t} is not a revision in this folder`);
        if (!applied[i]) {
          throw new TargetError(t, `Downgrade target ${t} is not applied (current: ${currentHeads.join(', ') || 'base'})`,
            'A downgrade can only go to a revision below the current one; use upgrade to move forward.');
        }
        targets.push(i);
      }
      undo = this.reach(targets, this.successorIdx, false);
      for (const t of targets) undo[t] = 0;
    }
    const out: string[] = [];
    for (let k = this.order.length - 1; k >= 0; k--) {
      const i = this.order[k];
      if (undo[i] && applied[i]) out.push(this.nodes[i].revision);
    }
    return out;
  }

  /**
   * Resolves an Alembic-style target: `head`, `heads`, `base`, full id, unique prefix, branch label,
   * `+N`/`-N` (relative to `current`), `<rev>+N`, `<rev>-N`, `<label>@head`. Throws TargetError.
   */
  resolve(target: string, current: readonly string[]): ResolvedTarget {
    const input = target;
    const t = target.trim();
    if (t === '') throw new TargetError(target, 'Empty target', "Use 'head', 'base', a revision id, +N or -N.");
    if (t === 'heads') return { input, revisions: this.heads };
    const relative = /^([+-])(\d+)$/.exec(t);
    if (relative) {
      if (current.length > 1) {
        throw new TargetError(target, `Relative target ${t} is ambiguous: the database has several heads (${current.join(', ')})`,
          'Name the branch: <revision>+N or <revision>-N.');
      }
      let start: number | null = null;
      if (current.length === 1) {
        const i = this.idxOf(current[0]);
        if (i === undefined) {
          throw new TargetError(target, `The current revision ${current[0]} is not defined by any file in this folder`);
        }
        start = i;
      }
      return { input, revisions: this.walk(t, start, relative[1] === '+' ? 1 : -1, Number(relative[2])) };
    }
    const anchored = /^(.+?)([+-])(\d+)$/.exec(t);
    if (anchored) {
      const base = this.resolveSingle(t, anchored[1]);
      return { input, revisions: this.walk(t, base, anchored[2] === '+' ? 1 : -1, Number(anchored[3])) };
    }
    const one = this.resolveSingle(t, t);
    return { input, revisions: one === null ? [] : [this.nodes[one].revision] };
  }

  /** A target naming at most one revision; null is base. */
  private resolveSingle(input: string, name: string): number | null {
    if (name === 'base') return null;
    if (name === 'head') {
      if (this.headList.length > 1) {
        throw new TargetError(input, "Multiple heads are present; use 'heads' or a specific revision",
          `Heads: ${this.headList.join(', ')}`);
      }
      return this.headList.length ? (this.idxOf(this.headList[0]) as number) : null;
    }
    const at = /^(.+)@head$/.exec(name);
    if (at) {
      const from = this.resolveSingle(input, at[1]);
      if (from === null) return this.resolveSingle(input, 'head');
      const reach = this.reach([from], this.childIdx, true);
      const heads: number[] = [];
      for (let i = 0; i < reach.length; i++) if (reach[i] && this.childIdx[i].length === 0) heads.push(i);
      if (heads.length !== 1) {
        throw new TargetError(input, heads.length
          ? `Branch ${at[1]} has several heads: ${this.names(heads).sort().join(', ')}`
          : `Branch ${at[1]} has no head (it is on a cycle)`);
      }
      return heads[0];
    }
    const exact = this.idxOf(name);
    if (exact !== undefined) return exact;
    const label = this.labels.get(name);
    if (label !== undefined) return label;
    const candidates: number[] = [];
    for (let i = 0; i < this.nodes.length; i++) if (this.nodes[i].revision.startsWith(name)) candidates.push(i);
    if (candidates.length === 1) return candidates[0];
    if (candidates.length > 1) {
      const names = this.names(candidates).sort();
      throw new TargetError(input, `Multiple revisions start with '${name}': ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''}`,
        'Type more characters of the revision id.');
    }
    const near = this.nearest(name, 3);
    throw new TargetError(input, `No such revision or branch '${name}'`,
      near.length ? `Nearest known revisions: ${near.join(', ')}` : undefined);
  }

  /** Steps `count` times along children (+1) or parents (-1); refuses branch/merge points, head and base. */
  private walk(input: string, start: number | null, dir: 1 | -1, count: number): string[] {
    let at = start;
    if (count > this.nodes.length + 1) {
      throw new TargetError(input, `${input} goes past ${dir === 1 ? 'the head' : 'base'}: the chain has only ${this.nodes.length} revisions`);
    }
    for (let step = 1; step <= count; step++) {
      if (at !== null && this.onCycle[at]) {
        throw new TargetError(input, `${input} runs into the cycle at ${this.nodes[at].revision}; fix the chain first`);
      }
      if (dir === 1) {
        const next = at === null ? this.baseIdx() : this.childIdx[at];
        if (next.length === 0) {
          throw new TargetError(input, `${input} goes past the head: ${at === null ? 'the chain is empty' : `${this.nodes[at].revision} has no children`} (step ${step} of ${count})`);
        }
        if (next.length > 1) {
          throw new TargetError(input, `${input} is ambiguous: ${at === null ? 'there are several bases' : `${this.nodes[at].revision} is a branch point`} (${this.names(next).join(', ')})`,
            'Name the branch: <revision>+N from one of them.');
        }
        at = next[0];
      } else {
        if (at === null) throw new TargetError(input, `${input} goes past base (step ${step} of ${count})`);
        const prev = this.parentIdx[at];
        if (prev.length > 1) {
          throw new TargetError(input, `${input} is ambiguous: ${this.nodes[at].revision} is a merge point (parents ${this.names(prev).join(', ')})`,
            'Name the branch: <revision>-N from one of the parents.');
        }
        if (prev.length === 0 && this.nodes[at].downRevisions.length > 0) {
          throw new TargetError(input, `${input} passes ${this.nodes[at].revision}, whose down_revision is missing`);
        }
        at = prev.length ? prev[0] : null;
      }
    }
    return at === null ? [] : [this.nodes[at].revision];
  }

  private baseIdx(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.nodes.length; i++) if (this.nodes[i].downRevisions.length === 0) out.push(i);
    return out;
  }

  /** Nearest known revisions for an unknown id (by common prefix / edit distance), for messages. */
  nearest(revision: string, count = 3): string[] {
    const scored: { id: string; prefix: number; dist: number }[] = [];
    const probe = revision.slice(0, 64);
    for (const m of this.nodes) {
      const id = m.revision;
      let prefix = 0;
      while (prefix < id.length && prefix < probe.length && id[prefix] === probe[prefix]) prefix++;
      scored.push({ id, prefix, dist: editDistance(probe, id.slice(0, 64)) });
    }
    scored.sort((a, b) => b.prefix - a.prefix || a.dist - b.dist || (a.id < b.id ? -1 : 1));
    const limit = Math.max(2, Math.ceil(probe.length / 2));
    return scored.filter((s) => s.prefix > 0 || s.dist <= limit).slice(0, count).map((s) => s.id);
  }
}

function sortedUnique(values: string[]): string[] {
  return [...new Set(values)].sort();
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function sameLinks(a: Migration, b: Migration): boolean {
  return a.file === b.file && a.revision === b.revision && a.revisionLine === b.revisionLine &&
    a.downRevisionLine === b.downRevisionLine && sameList(a.downRevisions, b.downRevisions) &&
    sameList(a.dependsOn, b.dependsOn) && sameList(a.branchLabels, b.branchLabels);
}
