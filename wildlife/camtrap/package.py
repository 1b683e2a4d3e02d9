"""Reading a Camtrap DP package from a datapackage.json, its folder or a zip, as streams.

Nothing is extracted: tables are read row by row (plain or gzipped CSV) and media files one at
a time. Paths are checked so that nothing outside the package is ever read.
"""

import csv
import gzip
import io
import json
import sys
import zipfile
from pathlib import Path, PurePosixPath

# Enough for any real field (long comments, EXIF JSON) without letting one row eat memory.
csv.field_size_limit(min(sys.maxsize, 10 * 1024 * 1024))


class PackageError(Exception):
    """The package cannot be read at all (not a package, unsafe zip, unreadable descriptor)."""


def _safe_relative(path):
    """The normalised relative path, or None if it is absolute or climbs out of the package."""
    if not path or "\\" in path or "\x00" in path:
        return None
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or path.startswith("~"):
        return None
    return str(pure)


class Package:
    """A package opened from `source`: a datapackage.json, the folder holding it, or a zip."""

    def __init__(self, source):
        source = Path(source)
        self.label = source.name
        self._zip = None
        if source.is_dir():
            self._root = source.resolve()
            descriptor_path = self._root / "datapackage.json"
        elif zipfile.is_zipfile(source):
            self._open_zip(source)
            descriptor_path = None
        elif source.is_file():
            self._root = source.resolve().parent
            descriptor_path = source.resolve()
        else:
            raise PackageError(f"{source}: no such file or folder")
        if descriptor_path is not None and not descriptor_path.is_file():
            raise PackageError(f"{source}: no datapackage.json")
        try:
            raw = self._read_descriptor(descriptor_path)
            self.descriptor = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise PackageError(f"datapackage.json:1:-: not valid JSON ({error})") from error

    def _open_zip(self, source):
        self._zip = zipfile.ZipFile(source)
        for info in self._zip.infolist():
            if _safe_relative(info.filename.rstrip("/")) is None:
                raise PackageError(
                    f"{source.name}: the zip holds a path outside its folder: {info.filename!r}"
                )
            if (info.external_attr >> 16) & 0o170000 == 0o120000:
                raise PackageError(f"{source.name}: the zip holds a symbolic link: {info.filename}")
        descriptors = sorted(
            (
                name
                for name in self._zip.namelist()
                if PurePosixPath(name).name == "datapackage.json"
            ),
            key=lambda name: name.count("/"),
        )
        if not descriptors:
            raise PackageError(f"{source.name}: the zip holds no datapackage.json")
        self._zip_prefix = str(PurePosixPath(descriptors[0]).parent)
        self._zip_prefix = "" if self._zip_prefix == "." else self._zip_prefix + "/"

    def _read_descriptor(self, descriptor_path):
        if self._zip is not None:
            return self._zip.read(self._zip_prefix + "datapackage.json").decode("utf-8-sig")
        return descriptor_path.read_text("utf-8-sig")

    def close(self):
        if self._zip is not None:
            self._zip.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def resource(self, name):
        for resource in self.descriptor.get("resources", []):
            if isinstance(resource, dict) and resource.get("name") == name:
                return resource
        return None

    def resource_paths(self, name):
        paths = self.resource(name)["path"]
        return paths if isinstance(paths, list) else [paths]

    def _binary(self, path):
        """An open binary stream of a file of the package, or FileNotFoundError."""
        relative = _safe_relative(path)
        if relative is None:
            raise FileNotFoundError(f"{path}: outside the package")
        if self._zip is not None:
            try:
                return self._zip.open(self._zip_prefix + relative)
            except KeyError:
                raise FileNotFoundError(f"{path}: not in the package") from None
        full = (self._root / relative).resolve()
        if not full.is_relative_to(self._root):  # a symbolic link leading out
            raise FileNotFoundError(f"{path}: outside the package")
        return open(full, "rb")

    def rows(self, path):
        """(line, {column: text}) for each row of a CSV table (gzipped if named .gz).

        Raises PackageError for a file that is missing or is not UTF-8 CSV.
        """
        try:
            binary = self._binary(path)
        except FileNotFoundError as error:
            raise PackageError(f"{path}:0:-: file missing ({error})") from error
        with binary:
            stream = gzip.GzipFile(fileobj=binary) if path.endswith(".gz") else binary
            text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
            reader = csv.DictReader(text, strict=True)
            # A failing record is reported at the line where it starts.
            ended = 1
            try:
                for row in reader:
                    if None in row:
                        raise PackageError(
                            f"{path}:{ended + 1}:-: more values than columns in the header"
                        )
                    yield ended + 1, row
                    ended = reader.line_num
            except csv.Error as error:
                raise PackageError(f"{path}:{ended + 1}:-: malformed CSV ({error})") from error
            except (UnicodeDecodeError, EOFError, OSError, gzip.BadGzipFile) as error:
                raise PackageError(f"{path}:{ended + 1}:-: unreadable ({error})") from error

    def header(self, path):
        try:
            binary = self._binary(path)
        except FileNotFoundError as error:
            raise PackageError(f"{path}:0:-: file missing ({error})") from error
        with binary:
            stream = gzip.GzipFile(fileobj=binary) if path.endswith(".gz") else binary
            text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
            try:
                return next(csv.reader(text), [])
            except (csv.Error, UnicodeDecodeError, EOFError, OSError) as error:
                raise PackageError(f"{path}:1:-: unreadable header ({error})") from error

    def read_file(self, path, limit):
        """The bytes of a media file of the package (at most `limit`), or FileNotFoundError."""
        with self._binary(path) as binary:
            data = binary.read(limit + 1)
        if len(data) > limit:
            raise ValueError(f"file larger than {limit // (1024 * 1024)} MB")
        return data
