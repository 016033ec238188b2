#!/usr/bin/python3
"""The PGXN release: runs `make dist`, then checks the zip it wrote and the META.json inside it
against the PGXN Meta Spec 1.0 (https://pgxn.org/spec/): the required keys and the form of every
value (name and extension names as Terms, SemVer versions, maintainer, license, provides with
file and version, meta-spec 1.0.x; the optional keys this spec defines, and no others but x_*),
every file META.json names present in the zip, one top folder <name>-<version>/, and the
versions agreeing with hangar_fdw.control and debian/changelog. Before that it feeds the
validator broken copies of META.json and fails unless it rejects each one.

Usage: /usr/bin/python3 test/dist.py   (from anywhere; needs git, make and pg_config)
Exits 1 on any violation; the last line counts the checks.
"""
import copy
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile

TREE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$")
# A Term: at least two characters, no slash, backslash, whitespace or control character.
TERM = re.compile(r"^[^/\\\s\x00-\x1f\x7f]{2,}$")
# A Tag: 2 to 255 characters, no slash, backslash or control character.
TAG = re.compile(r"^[^/\\\x00-\x1f\x7f]{2,255}$")
LICENSES = {
    "agpl_3", "apache_1_1", "apache_2_0", "artistic_1", "artistic_2", "bsd", "freebsd", "gfdl_1_2",
    "gfdl_1_3", "gpl_1", "gpl_2", "gpl_3", "lgpl_2_1", "lgpl_3_0", "mit", "mozilla_1_0",
    "mozilla_1_1", "openssl", "perl_5", "postgresql", "qpl_1_0", "ssleay", "sun", "zlib",
    "open_source", "restricted", "unrestricted", "unknown"}
TOP_KEYS = {"name", "version", "abstract", "maintainer", "license", "provides", "meta-spec",
            "description", "generated_by", "tags", "no_index", "prereqs", "release_status",
            "resources"}
REQUIRED = ["name", "version", "abstract", "maintainer", "license", "provides", "meta-spec"]
PHASES = {"configure", "build", "test", "runtime", "develop"}
RELATIONS = {"requires", "recommends", "suggests", "conflicts"}
VERSION_OP = r"(?:(?:[=!]=|[<>]=?)\s*)?"
SEMVER_BODY = SEMVER.pattern[1:-1]
VERSION_RANGE = re.compile(r"^(?:0|" + VERSION_OP + SEMVER_BODY + r"(?:,\s*" + VERSION_OP + SEMVER_BODY + r")*)$")
URI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$")


def custom(key):
    return re.match(r"^[xX]_.", key) is not None


def nonempty_string(value):
    return isinstance(value, str) and len(value) >= 1


def validate(meta, files):
    """Returns the list of violations of META.json `meta` for a distribution holding `files`
    (paths relative to its top folder)."""
    errors = []

    def err(message):
        errors.append(message)

    def unknown_keys(obj, allowed, where):
        for key in obj:
            if key not in allowed and not custom(key):
                err(f"{where}: unknown key {key!r}")

    def path(value, where):
        if not isinstance(value, str) or len(value) < 2:
            err(f"{where}: not a path of at least two characters: {value!r}")
        elif value.startswith("/") or "\\" in value or ".." in value.split("/"):
            err(f"{where}: not a relative path in Unix form: {value!r}")
        elif value not in files:
            err(f"{where}: {value!r} is not in the distribution")

    if not isinstance(meta, dict):
        return ["META.json is not a JSON object"]
    for key in REQUIRED:
        if key not in meta:
            err(f"required key {key!r} is missing")
    unknown_keys(meta, TOP_KEYS, "META.json")

    if "name" in meta and not (isinstance(meta["name"], str) and TERM.match(meta["name"])):
        err(f"name: not a Term (2+ characters, no slash, backslash, space or control): {meta['name']!r}")
    if "version" in meta and not (isinstance(meta["version"], str) and SEMVER.match(meta["version"])):
        err(f"version: not a semantic version: {meta['version']!r}")
    if "abstract" in meta and not nonempty_string(meta["abstract"]):
        err("abstract: not a non-empty string")
    for key in ("description", "generated_by"):
        if key in meta and not nonempty_string(meta[key]):
            err(f"{key}: not a non-empty string")

    if "maintainer" in meta:
        m = meta["maintainer"]
        if not (nonempty_string(m) or (isinstance(m, list) and m and all(nonempty_string(x) for x in m))):
            err(f"maintainer: not a non-empty string or a non-empty list of them: {m!r}")

    if "license" in meta:
        lic = meta["license"]
        if isinstance(lic, str):
            if lic not in LICENSES:
                err(f"license: {lic!r} is not one of the spec's license strings")
        elif isinstance(lic, list):
            if not lic or any(x not in LICENSES for x in lic):
                err(f"license: a list must be non-empty and hold the spec's license strings: {lic!r}")
        elif isinstance(lic, dict):
            if not lic or any(not (isinstance(v, str) and URI.match(v)) for v in lic.values()):
                err(f"license: an object must map names to URIs: {lic!r}")
        else:
            err(f"license: not a string, list or object: {lic!r}")

    if "provides" in meta:
        provides = meta["provides"]
        if not isinstance(provides, dict) or not provides:
            err("provides: not a non-empty object")
        else:
            for ext, spec in provides.items():
                where = f"provides.{ext}"
                if not TERM.match(ext):
                    err(f"{where}: the extension name is not a Term")
                if not isinstance(spec, dict):
                    err(f"{where}: not an object")
                    continue
                unknown_keys(spec, {"file", "version", "abstract", "docfile"}, where)
                if "file" not in spec:
                    err(f"{where}: required key 'file' is missing")
                else:
                    path(spec["file"], f"{where}.file")
                if "version" not in spec:
                    err(f"{where}: required key 'version' is missing")
                elif not (isinstance(spec["version"], str) and SEMVER.match(spec["version"])):
                    err(f"{where}.version: not a semantic version: {spec['version']!r}")
                if "abstract" in spec and not nonempty_string(spec["abstract"]):
                    err(f"{where}.abstract: not a non-empty string")
                if "docfile" in spec:
                    path(spec["docfile"], f"{where}.docfile")

    if "meta-spec" in meta:
        ms = meta["meta-spec"]
        if not isinstance(ms, dict):
            err("meta-spec: not an object")
        else:
            unknown_keys(ms, {"version", "url"}, "meta-spec")
            if not (isinstance(ms.get("version"), str) and re.match(r"^1\.0\.\d+$", ms["version"])):
                err(f"meta-spec.version: must be 1.0.x: {ms.get('version')!r}")
            if "url" in ms and ms["url"] not in ("https://pgxn.org/meta/spec.txt", "http://pgxn.org/meta/spec.txt"):
                err(f"meta-spec.url: not the spec's address: {ms['url']!r}")

    if "tags" in meta:
        tags = meta["tags"]
        if not (isinstance(tags, list) and tags and all(isinstance(t, str) and TAG.match(t) for t in tags)):
            err(f"tags: not a non-empty list of tags (2 to 255 characters, no slash, backslash or control): {tags!r}")

    if "release_status" in meta and meta["release_status"] not in ("stable", "testing", "unstable"):
        err(f"release_status: not stable, testing or unstable: {meta['release_status']!r}")

    if "no_index" in meta:
        ni = meta["no_index"]
        if not isinstance(ni, dict) or not ni:
            err("no_index: not a non-empty object")
        else:
            unknown_keys(ni, {"file", "directory"}, "no_index")
            for key in ("file", "directory"):
                if key in ni and not (isinstance(ni[key], list) and ni[key] and all(nonempty_string(x) for x in ni[key])):
                    err(f"no_index.{key}: not a non-empty list of paths")

    if "prereqs" in meta:
        prereqs = meta["prereqs"]
        if not isinstance(prereqs, dict) or not prereqs:
            err("prereqs: not a non-empty object")
        else:
            unknown_keys(prereqs, PHASES, "prereqs")
            for phase, relations in prereqs.items():
                if custom(phase):
                    continue
                if not isinstance(relations, dict) or not relations:
                    err(f"prereqs.{phase}: not a non-empty object")
                    continue
                unknown_keys(relations, RELATIONS, f"prereqs.{phase}")
                for relation, needs in relations.items():
                    if custom(relation):
                        continue
                    if not isinstance(needs, dict) or not needs:
                        err(f"prereqs.{phase}.{relation}: not a non-empty object")
                        continue
                    for name, version in needs.items():
                        if not TERM.match(name):
                            err(f"prereqs.{phase}.{relation}: {name!r} is not a Term")
                        if not (version == 0 or (isinstance(version, str) and VERSION_RANGE.match(version))):
                            err(f"prereqs.{phase}.{relation}.{name}: not a version range: {version!r}")

    if "resources" in meta:
        res = meta["resources"]
        if not isinstance(res, dict) or not res:
            err("resources: not a non-empty object")
        else:
            unknown_keys(res, {"homepage", "bugtracker", "repository"}, "resources")
            if "homepage" in res and not (isinstance(res["homepage"], str) and URI.match(res["homepage"])):
                err("resources.homepage: not a URI")
            for key, allowed in (("bugtracker", {"web", "mailto"}), ("repository", {"url", "web", "type"})):
                if key in res:
                    if not isinstance(res[key], dict) or not res[key]:
                        err(f"resources.{key}: not a non-empty object")
                    else:
                        unknown_keys(res[key], allowed, f"resources.{key}")
    return errors


def self_test(meta, files):
    """The validator must pass the real META.json and reject each broken copy."""
    failures = []
    if validate(meta, files):
        failures.append("the validator rejects the real META.json")

    def broken(change):
        m = copy.deepcopy(meta)
        change(m)
        return m
    ext = next(iter(meta["provides"]))
    cases = {
        "no name": broken(lambda m: m.pop("name")),
        "name with a slash": broken(lambda m: m.update(name="hangar/fdw")),
        "version 0.2 (not SemVer)": broken(lambda m: m.update(version="0.2")),
        "version 01.2.0": broken(lambda m: m.update(version="01.2.0")),
        "empty abstract": broken(lambda m: m.update(abstract="")),
        "no maintainer": broken(lambda m: m.pop("maintainer")),
        "empty maintainer list": broken(lambda m: m.update(maintainer=[])),
        "license PostgreSQL (not a spec string)": broken(lambda m: m.update(license="PostgreSQL")),
        "no provides": broken(lambda m: m.pop("provides")),
        "provides without file": broken(lambda m: m["provides"][ext].pop("file")),
        "provides without version": broken(lambda m: m["provides"][ext].pop("version")),
        "provides file not in the zip": broken(lambda m: m["provides"][ext].update(file="sql/missing.sql")),
        "provides version 0.2": broken(lambda m: m["provides"][ext].update(version="0.2")),
        "docfile not in the zip": broken(lambda m: m["provides"][ext].update(docfile="doc/missing.md")),
        "no meta-spec": broken(lambda m: m.pop("meta-spec")),
        "meta-spec 2.0.0": broken(lambda m: m.update({"meta-spec": {"version": "2.0.0"}})),
        "empty resources": broken(lambda m: m.update(resources={})),
        "unknown key": broken(lambda m: m.update(homepage="https://example.org/")),
        "prereq version 15": broken(lambda m: m.update(prereqs={"runtime": {"requires": {"PostgreSQL": "15"}}})),
        "tag with a slash": broken(lambda m: m.update(tags=["a/b"])),
    }
    for label, bad in cases.items():
        if not validate(bad, files):
            failures.append(f"the validator accepts a META.json with {label}")
    return len(cases) + 1, failures


def main():
    checks = 0
    failures = []

    def check(ok, message):
        nonlocal checks
        checks += 1
        if not ok:
            failures.append(message)
        return ok

    with open(os.path.join(TREE, "META.json"), encoding="utf-8") as f:
        tree_meta = json.load(f)
    name, version = tree_meta.get("name"), tree_meta.get("version")
    zip_name = f"{name}-{version}.zip"
    zip_path = os.path.join(TREE, zip_name)
    existed = os.path.exists(zip_path)
    with tempfile.TemporaryDirectory() as tmp:
        # Built in the tree, as a user runs it, then moved aside unless it was there before.
        subprocess.run(["make", "-s", "-C", TREE, "dist"], check=True)
        check(os.path.exists(zip_path), f"make dist did not write {zip_name}")
        if not os.path.exists(zip_path):
            return report(checks, failures)
        kept = os.path.join(tmp, zip_name)
        if existed:
            subprocess.run(["cp", zip_path, kept], check=True)
        else:
            os.rename(zip_path, kept)
        with zipfile.ZipFile(kept) as z:
            check(z.testzip() is None, "the zip has a damaged member")
            names = z.namelist()
            top = f"{name}-{version}/"
            check(all(n.startswith(top) for n in names), f"not everything in the zip is under {top}")
            files = {n[len(top):] for n in names if n.startswith(top) and not n.endswith("/")}
            check(f"{top}META.json" in names, f"{top}META.json is not in the zip")
            meta = json.loads(z.read(f"{top}META.json").decode("utf-8")) if f"{top}META.json" in names else {}
            head = subprocess.run(["git", "-C", TREE, "ls-tree", "-r", "--name-only", "HEAD"],
                                  check=True, capture_output=True, text=True).stdout.split()
            check(files == set(head), "the zip does not hold exactly the files of HEAD")
            control = z.read(f"{top}{name}.control").decode() if f"{name}.control" in files else ""
            changelog = z.read(f"{top}debian/changelog").decode() if "debian/changelog" in files else ""

    violations = validate(meta, files)
    for v in violations:
        check(False, f"META.json: {v}")
    check(not violations, "META.json does not follow the PGXN Meta Spec")
    print(f"META.json in {zip_name}: {len(violations)} violations of the PGXN Meta Spec")

    # The versions the release states agree: the extension's default_version is the provided
    # version's major.minor, its full install script is the provided file, and the Debian
    # package's upstream version is the same.
    default = re.search(r"^default_version\s*=\s*'([^']*)'", control, re.M)
    check(default is not None, f"{name}.control has no default_version")
    if default and isinstance(meta.get("provides"), dict) and name in meta["provides"]:
        ext = meta["provides"][name]
        check(str(ext.get("version", "")).startswith(default.group(1) + "."),
              f"provides.{name}.version {ext.get('version')!r} is not default_version {default.group(1)!r}.x")
        check(ext.get("file") == f"sql/{name}--{default.group(1)}.sql",
              f"provides.{name}.file is not the install script of default_version {default.group(1)}")
        check(str(meta.get("version", "")).startswith(default.group(1) + "."),
              f"version {meta.get('version')!r} is not default_version {default.group(1)!r}.x")
    deb = re.match(r"^\S+ \(([^)-]+)(?:-[^)]*)?\)", changelog)
    check(deb is not None and default is not None and deb.group(1) == default.group(1),
          "debian/changelog's upstream version is not the control file's default_version")

    count, self_failures = self_test(meta, files) if meta else (1, ["no META.json to test the validator on"])
    checks += count
    failures.extend(self_failures)
    print(f"the validator rejected {count - 1 - sum(1 for f in self_failures if 'accepts' in f)} of {count - 1} broken copies")
    return report(checks, failures)


def report(checks, failures):
    for f in failures:
        print(f"FAILED: {f}")
    print(f"dist: {checks - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
