// The revision graph as a picture: layout, badges, export formats, git metadata (see docs/graph.md).
export { layoutRevisionGraph, nodeIndex, type EdgeKind, type GraphLayout, type GraphNodeKind, type LaneTitle, type LayoutEdge, type LayoutNode, type LayoutOptions } from './layout';
export { environmentMarks, mergeMarks, MARK_GLYPH, type EnvironmentState, type MarkTone, type NodeMark, type NodeMarks } from './marks';
export { EXPORT_FORMATS, pngScale, PNG_LIMITS, renderGraph, shortId, svgSize, toDot, toMermaid, toSvg, type ExportFormat, type SvgOptions } from './export';
export { pngHeader, type PngHeader } from './png';
export { findDeletedRevision, lastCommits, type DeletedRevisionFile, type FileCommit } from './git-meta';
export { appliedIn, planMergeOfHeads, planRemoveParent, planReparent, type NewFile, type ParentChange } from './edits';
