# Prints the revision graph of one Alembic project as Alembic itself reads it, as JSON on stdout.
# Run by Migration Chain (trusted workspaces, or the CLI's own user: loading revision files executes them):
#   python alembic_graph.py /path/to/alembic.ini      (or /path/to/pyproject.toml, Alembic 1.16+)
# Output: {"alembic": version, "revisions": [...], "heads": [...], "errors": [...], "warnings": [...]}.
# Only Alembic's public API is used (Config, ScriptDirectory.from_config, walk_revisions, get_heads,
# Script.module/path/doc, RevisionMap, util.load_python_file), so the helper reads every Alembic from
# 1.8 to today's (1.16 renamed the private Script classmethod this helper once called).
# When the whole-directory load fails, each revision file is loaded on its own to name the ones
# Alembic cannot load, with file and line ("scope": "file"), and the others are still read (Alembic
# itself stops at the first). Any other failure is one "project" error and exit status 0, so the
# caller always gets JSON. Only stdout carries JSON: revision files that print are redirected.
import contextlib
import io
import json
import os
import re
import sys
import traceback
import warnings

# Alembic's own rules for a revision file name (script/base.py _only_source_rev_file, _legacy_rev).
SOURCE_REVISION_FILE = re.compile(r"(?!\.\#|__init__)(.*\.py)$")
LEGACY_REVISION = re.compile(r"([a-f0-9]+)\.py$")


def error_of(exc, file=None, scope="project"):
    out = {"message": "%s: %s" % (type(exc).__name__, exc), "scope": scope}
    line = None
    if isinstance(exc, SyntaxError) and exc.filename and (file is None or os.path.realpath(exc.filename) == os.path.realpath(file)):
        file, line = exc.filename, exc.lineno
    elif file:
        # The innermost frame in the revision file.
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if os.path.realpath(frame.filename) == os.path.realpath(file):
                line = frame.lineno
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


def config_for(path):
    """The Config `cd <project> && alembic ...` builds: alembic.ini and, on 1.16+, pyproject.toml beside it."""
    import inspect
    from alembic.config import Config

    here = os.path.dirname(os.path.abspath(path))
    reads_toml = "toml_file" in inspect.signature(Config.__init__).parameters
    if os.path.basename(path) == "pyproject.toml":
        if not reads_toml:
            import alembic
            raise RuntimeError("Alembic %s does not read pyproject.toml ([tool.alembic] needs Alembic 1.16 or later)" % alembic.__version__)
        ini = os.path.join(here, "alembic.ini")
        return Config(ini if os.path.isfile(ini) else None, toml_file=path)
    if not os.path.isfile(path):
        from alembic.util import CommandError
        raise CommandError("No config file %r found" % path)
    toml = os.path.join(here, "pyproject.toml")
    if reads_toml and os.path.isfile(toml):
        return Config(path, toml_file=toml)
    return Config(path)


def version_locations(script_dir):
    from alembic import util
    locations = script_dir.version_locations or [os.path.join(script_dir.dir, "versions")]
    return [os.path.abspath(util.coerce_resource_to_filename(str(loc))) for loc in locations]


def revision_files(script_dir):
    """The .py files Alembic lists (ScriptDirectory._load_revisions / Script._list_py_dir), in its order."""
    recursive = bool(getattr(script_dir, "recursive_version_locations", False))
    seen = set()
    for location in version_locations(script_dir):
        if not os.path.isdir(location):
            continue
        for root, dirs, files in os.walk(location):
            dirs.sort()
            if os.path.basename(root) != "__pycache__":
                for name in sorted(files):
                    full = os.path.realpath(os.path.join(root, name))
                    if SOURCE_REVISION_FILE.match(name) and full not in seen:
                        seen.add(full)
                        yield full
            if not recursive:
                break


def load_each(script_dir, result):
    """Every revision file loaded on its own: the Scripts Alembic could load, the others as errors."""
    from alembic import util
    from alembic.script import Script

    scripts = []
    for path in revision_files(script_dir):
        try:
            module = util.load_python_file(os.path.dirname(path), os.path.basename(path))
            if hasattr(module, "revision"):
                revision = module.revision
            else:
                legacy = LEGACY_REVISION.match(os.path.basename(path))
                if not legacy:
                    raise util.CommandError("Could not determine revision id from filename %s." % os.path.basename(path))
                revision = legacy.group(1)
            scripts.append(Script(module, revision, path))
        except Exception as exc:  # noqa: BLE001 - every failure is reported, none is fatal
            result["errors"].append(error_of(exc, path, "file"))
    return scripts


def main(config_path, script_location=None):
    import alembic
    from alembic import util
    from alembic.script import ScriptDirectory
    from alembic.script.revision import RevisionMap

    result = {"alembic": getattr(alembic, "__version__", "?"), "revisions": [], "heads": [], "errors": [], "warnings": []}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        config = config_for(config_path)
        if script_location:
            # Flask-Migrate's alembic.ini has none: `flask db` sets it to the migrations folder.
            config.set_main_option("script_location", script_location)
        script_dir = ScriptDirectory.from_config(config)
        try:
            # Alembic's own whole-directory load, as `alembic history` does it.
            scripts = list(script_dir.walk_revisions())
            heads = script_dir.get_heads()
        except Exception as whole:  # noqa: BLE001 - find out which files, and read the rest
            scripts = load_each(script_dir, result)
            heads = []
            try:
                revision_map = RevisionMap(lambda: iter(scripts))
                heads = list(revision_map.heads)
            except Exception as exc:  # noqa: BLE001 - a broken graph still lists its revisions
                result["errors"].append(error_of(exc))
            if not result["errors"]:
                result["errors"].append(error_of(whole))
    result["heads"] = list(heads)
    for script in scripts:
        # Declared labels as Script.__init__ reads them; after the map is built, branch_labels also holds
        # the ones spread over the branch (RevisionMap._add_branches), which `alembic history` shows.
        own = list(util.to_tuple(getattr(script.module, "branch_labels", None), default=()))
        result["revisions"].append({
            "revision": script.revision,
            "down_revisions": as_list(script.down_revision),
            "branch_labels": own,
            "all_branch_labels": sorted(script.branch_labels or ()),
            "depends_on": as_list(script.dependencies),
            "doc": script.doc,
            "path": os.path.abspath(str(script.path)),
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
            output = main(*sys.argv[1:3])
    except Exception as exc:  # noqa: BLE001 - no Alembic, unreadable config ...: still JSON
        output = {"revisions": [], "heads": [], "errors": [error_of(exc)], "warnings": []}
    real_stdout.write(json.dumps(output))
    real_stdout.write("\n")
