# Prints the revision graph of one Alembic project as Alembic itself reads it, as JSON on stdout.
# Run by Migration Chain (trusted workspaces only: loading revision files executes them):
#   python alembic_graph.py /path/to/alembic.ini
# Output: {"alembic": version, "revisions": [...], "heads": [...], "errors": [...], "warnings": [...]}.
# A revision file that fails to load is an error with its file and line, and the others are still read
# (Alembic itself would stop at the first one); any other failure is one error and exit status 0, so
# the caller always gets JSON. Only stdout carries JSON: revision files that print are redirected.
import contextlib
import io
import json
import os
import sys
import traceback
import warnings


def error_of(exc, file=None):
    out = {"message": "%s: %s" % (type(exc).__name__, exc)}
    line = None
    if isinstance(exc, SyntaxError) and exc.filename:
        file, line = exc.filename, exc.lineno
    else:
        # The innermost frame in the revision file (or, without one, in any file outside Alembic).
        frames = traceback.extract_tb(exc.__traceback__)
        for frame in reversed(frames):
            if file and os.path.realpath(frame.filename) == os.path.realpath(file):
                line = frame.lineno
                break
        if line is None and not file:
            for frame in reversed(frames):
                if os.sep + "alembic" + os.sep not in frame.filename and frame.filename != __file__:
                    file, line = frame.filename, frame.lineno
                    break
    if file:
        out["file"] = os.path.abspath(file)
    if line:
        out["line"] = line
    return out


def as_list(value):
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [v for v in value]


def main(ini):
    import alembic
    from alembic.config import Config
    from alembic.script import Script, ScriptDirectory
    from alembic.script.revision import RevisionMap

    result = {"alembic": getattr(alembic, "__version__", "?"), "revisions": [], "heads": [], "errors": [], "warnings": []}
    original = Script.__dict__["_from_filename"].__func__

    # One bad file must not hide the others: each file loads on its own, through Alembic's own code.
    def from_filename(cls, scriptdir, dir_, filename):
        try:
            return original(cls, scriptdir, dir_, filename)
        except Exception as exc:  # noqa: BLE001 - every failure is reported, none is fatal
            result["errors"].append(error_of(exc, os.path.join(dir_, filename)))
            return None

    Script._from_filename = classmethod(from_filename)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            script_dir = ScriptDirectory.from_config(Config(ini))
            scripts = list(script_dir._load_revisions())
        except Exception as exc:  # noqa: BLE001
            result["errors"].append(error_of(exc, None))
            scripts = []
        inherited = {}
        try:
            # The map over the scripts already loaded: script_dir.revision_map would execute every file again.
            revision_map = RevisionMap(lambda: iter(scripts))
            # Building the map spreads each branch label over its branch (RevisionMap._add_branches).
            for rev in revision_map._revision_map.values():
                if rev is not None:
                    inherited[id(rev)] = sorted(rev.branch_labels)
            result["heads"] = list(revision_map.heads)
        except Exception as exc:  # noqa: BLE001 - a broken graph still lists its revisions
            if scripts:
                result["errors"].append(error_of(exc, None))
    for script in scripts:
        own = list(getattr(script, "_orig_branch_labels", ()) or ())
        result["revisions"].append({
            "revision": script.revision,
            "down_revisions": as_list(script.down_revision),
            "branch_labels": own,
            "all_branch_labels": inherited.get(id(script), sorted(own)),
            "depends_on": as_list(script.dependencies),
            "doc": script.doc,
            "path": os.path.abspath(script.path),
        })
    result["warnings"] = [str(w.message) for w in caught]
    return result


if __name__ == "__main__":
    # As `python -m alembic` run in the project folder: the working directory, not this file's folder,
    # is first on sys.path (revision files may import the application).
    sys.path[0] = os.getcwd()
    real_stdout = sys.stdout
    captured = io.StringIO()
    try:
        with contextlib.redirect_stdout(captured):
            output = main(sys.argv[1])
    except Exception as exc:  # noqa: BLE001 - no Alembic, unreadable ini ...: still JSON
        output = {"revisions": [], "heads": [], "errors": [error_of(exc, None)], "warnings": []}
    real_stdout.write(json.dumps(output))
    real_stdout.write("\n")
