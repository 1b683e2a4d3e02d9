"""A loopback stand-in for an Elasticsearch 8 node, so the engine's network paths run in CI.

The engine talks to it through the real `elasticsearch` client over HTTP. It answers the
endpoints the engine uses, shaped as Elasticsearch 8 answers them, and refuses anything else
with Elasticsearch's own "no handler found" error: an engine change that needs another endpoint
fails here rather than passing untested.

Rules of the real cluster it keeps, because the engine's safety rests on them:

- every response carries `X-Elastic-Product: Elasticsearch` (the client refuses a server
  without it);
- the cluster state changes one request at a time: an index is created with its aliases or not
  at all, an `_aliases` call applies all its actions or none (a `remove` of an absent alias is
  skipped and reported, unless `must_exist` makes it fail the call), and a `_bulk` resolves
  every item's target against one state (BulkOperation.doRun);
- an alias has at most one write index ("alias [x] has more than one write index [a,b]",
  IndexAbstraction.Alias), and a write to an alias goes to its write index;
- `require_alias` refuses a write to a name that is not an alias, instead of creating an index;
  otherwise a write to a missing index creates it, a delete does not (TransportBulkAction);
- `op_type: create` of an existing document is a 409 version conflict;
- writes are seen by searches only after a refresh;
- indices are deleted by name only (`action.destructive_requires_name` is true in 8).

What it does not do: stemming or stop words (its analyzers lowercase and split words; `cjk`
makes bigrams of Chinese, `standard` single characters), relevance beyond counting matched
terms (with boosts), shards and replicas. The contract suite runs against a real cluster for
language analysis (docs/search.md).
"""

import copy
import fnmatch
import itertools
import json
import math
import re
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

VERSION = "8.15.0"
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TOKEN = re.compile(rf"[{CJK}]|(?:(?![{CJK}])[^\W_])+")
LETTERS = re.compile(rf"(?:(?![{CJK}])[^\W\d_])+|[{CJK}]+")
ANALYZERS = {"standard", "simple", "russian", "english", "cjk"}
FIELD_TYPES = {"text", "keyword", "date", "boolean", "completion"}
BAD_INDEX_CHARACTERS = set('\\/*?"<>| ,#:')


class Refusal(Exception):
    """An Elasticsearch error response: status, type and reason."""

    def __init__(self, status, type_, reason, **extra):
        super().__init__(reason)
        self.status = status
        self.cause = {"type": type_, "reason": reason, **extra}

    def body(self):
        return {"error": {"root_cause": [self.cause], **self.cause}, "status": self.status}


def not_found(name):
    return Refusal(404, "index_not_found_exception", f"no such index [{name}]", index=name)


# Analysis ----------------------------------------------------------------------------------


def analyze(text, analyzer):
    """[(token, start, end)] for `text`, as the named analyzer would split it."""
    pattern = LETTERS if analyzer == "simple" else TOKEN
    tokens = [(m.group().lower(), m.start(), m.end()) for m in pattern.finditer(text)]
    if analyzer in ("cjk", "smartcn"):
        tokens = list(_bigrams(tokens))
    return tokens


def _bigrams(tokens):
    """Adjacent Chinese characters as overlapping pairs; a lone character stays itself."""
    out, run = [], []

    def flush():
        if len(run) == 1:
            out.append(run[0])
        out.extend((a[0] + b[0], a[1], b[2]) for a, b in itertools.pairwise(run))
        run.clear()

    for token in tokens:
        if re.fullmatch(f"[{CJK}]", token[0]):
            if run and run[-1][2] != token[1]:
                flush()
            run.append(token)
        else:
            flush()
            out.append(token)
    flush()
    return out


def terms(text, analyzer):
    return [token for token, _start, _end in analyze(text, analyzer)]


def levenshtein(a, b):
    row = list(range(len(b) + 1))
    for i, left in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, right in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (left != right))
    return row[-1]


# The cluster -------------------------------------------------------------------------------


class Index:
    def __init__(self, name, mappings, aliases):
        self.name = name
        self.uuid = uuid.uuid4().hex[:22]
        self.mappings = mappings
        self.aliases = aliases  # alias name -> its properties ({"is_write_index": True})
        self.docs = {}  # id -> {"_source", "_version", "_seq_no"}: what GET and writes see
        self.searchable = {}  # the same as of the last refresh: what searches see

    def field(self, path):
        """(source key, mapping) of a field path such as `title` or `title.plain`."""
        name, _, sub = path.partition(".")
        spec = self.mappings.get("properties", {}).get(name)
        if spec and sub:
            spec = spec.get("fields", {}).get(sub)
        return name, spec or {"type": "text", "analyzer": "standard"}

    def values(self, source, path):
        name, spec = self.field(path)
        value = source.get(name)
        values = value if isinstance(value, list) else [value]
        return [v for v in values if v is not None], spec


class Cluster:
    def __init__(self, plugins=()):
        self.lock = threading.RLock()
        self.plugins = list(plugins)
        self.indices = {}
        self.seq_no = itertools.count()

    def analyzers(self):
        return ANALYZERS | ({"smartcn"} if "analysis-smartcn" in self.plugins else set())

    def holders(self, alias):
        return [index for index in self.indices.values() if alias in index.aliases]

    def is_alias(self, name):
        return bool(self.holders(name))

    def resolve(self, expression, *, allow_no_indices=True):
        """Index names for a search-style expression: names, aliases, wildcards, commas."""
        names = []
        for part in expression.split(","):
            if "*" in part:
                names += [n for n in self.indices if fnmatch.fnmatchcase(n, part)]
                names += [
                    i.name
                    for i in self.indices.values()
                    for a in i.aliases
                    if fnmatch.fnmatchcase(a, part)
                ]
            elif part in self.indices:
                names.append(part)
            elif self.is_alias(part):
                names += [index.name for index in self.holders(part)]
            else:
                raise not_found(part)
        if not names and not allow_no_indices:
            raise not_found(expression)
        return list(dict.fromkeys(names))

    def write_target(self, name, op, require_alias):
        holders = self.holders(name)
        if holders:
            writers = [i for i in holders if i.aliases[name].get("is_write_index")]
            if len(holders) == 1 and holders[0].aliases[name].get("is_write_index") is not False:
                return holders[0]
            if writers:
                return writers[0]
            raise Refusal(
                400,
                "illegal_argument_exception",
                f"no write index is defined for alias [{name}]. The write index may be "
                "explicitly disabled using is_write_index=false or the alias points to "
                "multiple indices without one being designated as a write index",
            )
        if require_alias and op != "delete":
            raise Refusal(
                404,
                "index_not_found_exception",
                f"no such index [{name}] and [require_alias] request flag is [true] and "
                f"[{name}] is not an alias",
                index=name,
            )
        if name in self.indices:
            return self.indices[name]
        if op == "delete":
            raise not_found(name)
        return self.create_index(name, {})  # auto-created, as action.auto_create_index allows

    def check_aliases(self, indices):
        """The state after a change must keep every alias to at most one write index."""
        for alias in {a for index in indices.values() for a in index.aliases}:
            if alias in indices:
                raise Refusal(
                    400,
                    "invalid_alias_name_exception",
                    f"Invalid alias name [{alias}]: an index or data stream exists with the "
                    "same name as the alias",
                )
            writers = [
                i.name for i in indices.values() if i.aliases.get(alias, {}).get("is_write_index")
            ]
            if len(writers) > 1:
                raise Refusal(
                    500,
                    "illegal_state_exception",
                    f"alias [{alias}] has more than one write index [{','.join(writers)}]",
                )

    def create_index(self, name, body):
        if name in self.indices:
            index = self.indices[name]
            raise Refusal(
                400,
                "resource_already_exists_exception",
                f"index [{name}/{index.uuid}] already exists",
                index=name,
                index_uuid=index.uuid,
            )
        if (
            name != name.lower()
            or name[0] in "_-+"
            or name in (".", "..")
            or BAD_INDEX_CHARACTERS & set(name)
        ):
            raise Refusal(400, "invalid_index_name_exception", f"Invalid index name [{name}]")
        if self.is_alias(name):
            raise Refusal(
                400,
                "invalid_index_name_exception",
                f"Invalid index name [{name}], already exists as alias",
            )
        mappings = body.get("mappings", {})
        self.check_mapping(mappings.get("properties", {}))
        index = Index(name, mappings, copy.deepcopy(body.get("aliases", {})))
        self.check_aliases({**self.indices, name: index})
        self.indices[name] = index
        return index

    def check_mapping(self, properties):
        for field, spec in properties.items():
            if spec.get("type", "object") not in FIELD_TYPES:
                raise Refusal(
                    400,
                    "mapper_parsing_exception",
                    f"No handler for type [{spec.get('type')}] declared on field [{field}]",
                )
            for key in ("analyzer", "search_analyzer"):
                if key in spec and spec[key] not in self.analyzers():
                    raise Refusal(
                        400,
                        "mapper_parsing_exception",
                        f"Failed to parse mapping: analyzer [{spec[key]}] has not been "
                        "configured in mappings",
                    )
            self.check_mapping(spec.get("fields", {}))

    def update_aliases(self, actions):
        """Apply every action or none (TransportIndicesAliasesAction, MetadataIndexAliasesService).

        A `remove` of an alias the index does not have changes nothing and is reported as an
        error in `action_results` while the other actions apply; with `must_exist: true` it
        fails the whole request, as does a missing index.
        """
        indices = {name: copy.copy(index) for name, index in self.indices.items()}
        for index in indices.values():
            index.aliases = copy.deepcopy(index.aliases)
        results = []
        for action in actions:
            ((kind, spec),) = action.items()
            names = spec.get("indices") or [spec["index"]]
            wanted = spec.get("aliases") or [spec.get("alias")]
            status = 200
            for name in names:
                if name not in indices:
                    raise not_found(name)
                if kind == "remove_index":
                    del indices[name]
                    continue
                aliases = indices[name].aliases
                for alias in wanted:
                    if kind == "add":
                        aliases[alias] = {
                            key: spec[key] for key in ("is_write_index",) if key in spec
                        }
                    elif kind == "remove":
                        if alias not in aliases:
                            if spec.get("must_exist") is True:
                                raise Refusal(
                                    404, "aliases_not_found_exception", f"aliases [{alias}] missing"
                                )
                            status = 404
                        aliases.pop(alias, None)
                    else:
                        raise Refusal(400, "parsing_exception", f"Unknown action [{kind}]")
            results.append({"action": {"type": kind, "indices": names}, "status": status})
        if all(result["status"] == 404 for result in results):
            raise Refusal(404, "aliases_not_found_exception", "aliases missing")
        self.check_aliases(indices)
        self.indices = indices
        errors = any(result["status"] != 200 for result in results)
        return {
            "acknowledged": True,
            "errors": errors,
            **({"action_results": results} if errors else {}),
        }

    def write(self, index, op, doc_id, source):
        doc_id = doc_id or uuid.uuid4().hex
        current = index.docs.get(doc_id)
        head = {"_index": index.name, "_id": doc_id}
        if op == "delete":
            if current is None:
                return {**head, "_version": 1, "result": "not_found", "status": 404}
            del index.docs[doc_id]
            return {**head, "_version": current["_version"] + 1, "result": "deleted", "status": 200}
        if op == "create" and current is not None:
            raise Refusal(
                409,
                "version_conflict_engine_exception",
                f"[{doc_id}]: version conflict, document already exists (current version "
                f"[{current['_version']}])",
                index=index.name,
                index_uuid=index.uuid,
                shard="0",
            )
        version = current["_version"] + 1 if current else 1
        index.docs[doc_id] = {"_source": source, "_version": version, "_seq_no": next(self.seq_no)}
        result, status = ("updated", 200) if current else ("created", 201)
        return {**head, "_version": version, "result": result, "status": status}

    def refresh(self, names):
        for name in names:
            index = self.indices[name]
            index.searchable = dict(index.docs)


# Queries -----------------------------------------------------------------------------------


def field_score(index, source, path, text, operator="or", boost=1.0):
    values, spec = index.values(source, path)
    if spec.get("type", "text") != "text":
        return boost if any(str(v) == str(text) for v in values) else None
    analyzer = spec.get("search_analyzer", spec.get("analyzer", "standard"))
    wanted = terms(str(text), analyzer)
    counts = {}
    for value in values:
        for token in terms(str(value), spec.get("analyzer", "standard")):
            counts[token] = counts.get(token, 0) + 1
    found = [token for token in wanted if token in counts]
    if not wanted or not found or (operator == "and" and len(found) < len(wanted)):
        return None
    return boost * sum(1 + math.log(counts[token]) for token in found)


def parse_field(field):
    name, _, boost = field.partition("^")
    return name, float(boost or 1)


def score(index, source, query):
    """The document's score for the query, or None when it does not match."""
    ((kind, spec),) = query.items()
    if kind == "match_all":
        return spec.get("boost", 1.0)
    if kind == "bool":
        listed = {key: spec.get(key, []) for key in ("must", "filter", "should", "must_not")}
        listed = {
            key: value if isinstance(value, list) else [value] for key, value in listed.items()
        }
        must = [score(index, source, clause) for clause in listed["must"]]
        required = must + [score(index, source, clause) for clause in listed["filter"]]
        if any(found is None for found in required):
            return None
        if any(score(index, source, clause) is not None for clause in listed["must_not"]):
            return None
        should = [score(index, source, clause) for clause in listed["should"]]
        if should and not required and all(found is None for found in should):
            return None  # with nothing required, one `should` must match
        return sum(must) + sum(found for found in should if found is not None)
    if kind == "multi_match":
        scores = [
            field_score(index, source, name, spec["query"], spec.get("operator", "or"), boost)
            for name, boost in map(parse_field, spec["fields"])
        ]
        scores = [found for found in scores if found is not None]
        return max(scores) * spec.get("boost", 1.0) if scores else None
    if kind in ("match", "term"):
        ((path, options),) = spec.items()
        options = options if isinstance(options, dict) else {"query": options, "value": options}
        if kind == "term":
            values, _spec = index.values(source, path)
            wanted = options["value"]
            return options.get("boost", 1.0) if wanted in values else None
        return field_score(
            index,
            source,
            path,
            options["query"],
            options.get("operator", "or"),
            options.get("boost", 1.0),
        )
    if kind == "terms":
        ((path, wanted),) = spec.items()
        values, _spec = index.values(source, path)
        return 1.0 if set(map(str, values)) & set(map(str, wanted)) else None
    raise Refusal(400, "parsing_exception", f"unknown query [{kind}]")


def query_texts(query):
    """The texts a query looks for, for the highlighter."""
    ((kind, spec),) = query.items()
    if kind == "bool":
        clauses = [c for key in ("must", "should", "filter") for c in (spec.get(key) or [])]
        return [text for clause in clauses for text in query_texts(clause)]
    if kind == "multi_match":
        return [spec["query"]]
    if kind == "match":
        ((_path, options),) = spec.items()
        return [options["query"] if isinstance(options, dict) else options]
    return []


def highlight(index, source, texts, field, options):
    values, spec = index.values(source, field)
    if not values:
        return None
    text = str(values[0])
    analyzer = spec.get("analyzer", "standard")
    wanted = {token for query in texts for token in terms(query, analyzer)}
    spans = []
    for token, start, end in analyze(text, analyzer):
        if token in wanted:
            if spans and start < spans[-1][1]:
                spans[-1][1] = max(end, spans[-1][1])  # overlapping matches (bigrams) merge
            else:
                spans.append([start, end])
    size, fragments = options.get("fragment_size", 100), options.get("number_of_fragments", 5)
    if not spans:
        no_match = options.get("no_match_size", 0)
        if not no_match:
            return None
        cut = text[:no_match]
        return [cut if len(cut) == len(text) else cut.rsplit(" ", 1)[0]]
    start, end = 0, len(text)
    if fragments:
        sentence = max(text.rfind(mark, 0, spans[0][0]) for mark in ".!?。！？")
        start = sentence + 1 if sentence >= 0 else 0
        while start < len(text) and text[start] == " ":
            start += 1
        end = min(len(text), max(start + size, spans[0][1]))
        if end < len(text) and " " in text[spans[0][1] : end]:
            end = text.rfind(" ", spans[0][1], end)
    pre, post = options["pre_tags"][0], options["post_tags"][0]
    out, position = [], start
    for span_start, span_end in spans:
        if span_start < start or span_end > end:
            continue
        out += [text[position:span_start], pre, text[span_start:span_end], post]
        position = span_end
    out.append(text[position:end])
    return ["".join(out)]


def aggregate(index_of, aggs, hits):
    out = {}
    for name, spec in aggs.items():
        sub = spec.get("aggs") or spec.get("aggregations") or {}
        ((kind, params),) = [
            (k, v) for k, v in spec.items() if k not in ("aggs", "aggregations", "meta")
        ]
        if kind == "filter":
            inside = [h for h in hits if score(index_of[h[1]], h[3], params) is not None]
            out[name] = {"doc_count": len(inside), **aggregate(index_of, sub, inside)}
        elif kind == "terms":
            groups = {}
            for hit in hits:
                values, mapping = index_of[hit[1]].values(hit[3], params["field"])
                if mapping.get("type") not in ("keyword", "boolean"):
                    raise Refusal(
                        400,
                        "illegal_argument_exception",
                        f"Fielddata is disabled on [{params['field']}] in [{hit[1]}].",
                    )
                for value in dict.fromkeys(values):
                    groups.setdefault(value, []).append(hit)
            ordered = sorted(groups.items(), key=lambda item: (-len(item[1]), str(item[0])))
            shown = ordered[: params.get("size", 10)]
            out[name] = {
                "doc_count_error_upper_bound": 0,
                "sum_other_doc_count": sum(len(group) for _v, group in ordered[len(shown) :]),
                "buckets": [
                    {"key": value, "doc_count": len(group), **aggregate(index_of, sub, group)}
                    for value, group in shown
                ],
            }
        else:
            raise Refusal(400, "named_object_not_found_exception", f"unknown aggregation [{kind}]")
    return out


def completion(indices, text, options, fields):
    field = options["field"]
    found = []
    for index in indices:
        _name, spec = index.field(field)
        analyzer = spec.get("analyzer", "simple")
        prefix = " ".join(terms(text, analyzer))
        for doc_id, doc in index.searchable.items():
            value = doc["_source"].get(field)
            inputs = value.get("input", []) if isinstance(value, dict) else value or []
            inputs = [inputs] if isinstance(inputs, str) else inputs
            for candidate in inputs:
                if prefix and " ".join(terms(candidate, analyzer)).startswith(prefix):
                    source = (
                        {k: v for k, v in doc["_source"].items() if k in fields}
                        if fields
                        else doc["_source"]
                    )
                    found.append(
                        {
                            "text": candidate,
                            "_index": index.name,
                            "_id": doc_id,
                            "_score": 1.0,
                            "_source": source,
                        }
                    )
                    break  # one option per document: its first matching input
    found.sort(key=lambda option: (-option["_score"], option["text"]))
    if options.get("skip_duplicates"):
        unique = {}
        for option in found:
            unique.setdefault(option["text"], option)
        found = list(unique.values())
    return [
        {"text": text, "offset": 0, "length": len(text), "options": found[: options.get("size", 5)]}
    ]


def term_suggestions(indices, text, options):
    mode = options.get("suggest_mode", "missing")
    frequency = {}
    analyzer = "standard"
    for index in indices:
        _name, spec = index.field(options["field"])
        analyzer = spec.get("analyzer", "standard")
        for doc in index.searchable.values():
            values, _spec = index.values(doc["_source"], options["field"])
            for token in {t for v in values for t in terms(str(v), analyzer)}:
                frequency[token] = frequency.get(token, 0) + 1
    entries = []
    for token, start, end in analyze(text, analyzer):
        own = frequency.get(token, 0)
        candidates = []
        if len(token) >= options.get("min_word_length", 4) and not (mode == "missing" and own):
            for other, count in frequency.items():
                edits = levenshtein(token, other)
                if (
                    other != token
                    and other[:1] == token[:1]
                    and edits <= options.get("max_edits", 2)
                    and (mode != "popular" or count > own)
                ):
                    candidates.append(
                        {
                            "text": other,
                            "score": 1 - edits / max(len(token), len(other)),
                            "freq": count,
                        }
                    )
        candidates.sort(key=lambda option: (-option["score"], -option["freq"], option["text"]))
        entries.append(
            {
                "text": token,
                "offset": start,
                "length": end - start,
                "options": candidates[: options.get("size", 5)],
            }
        )
    return entries


SEARCH_KEYS = {
    "query",
    "post_filter",
    "aggs",
    "aggregations",
    "highlight",
    "from",
    "size",
    "track_total_hits",
    "_source",
    "suggest",
}


def search(cluster, expression, body, params):
    unknown = set(body) - SEARCH_KEYS
    if unknown:
        raise Refusal(
            400, "parsing_exception", f"Unknown key for a START_OBJECT in [{sorted(unknown)[0]}]."
        )
    indices = [cluster.indices[name] for name in cluster.resolve(expression)]
    index_of = {index.name: index for index in indices}
    query = body.get("query", {"match_all": {}})
    order = itertools.count()
    matched = []
    for index in indices:
        for doc_id, doc in index.searchable.items():
            found = score(index, doc["_source"], query)
            if found is not None:
                matched.append((found, index.name, doc_id, doc["_source"], next(order)))
    aggregations = aggregate(index_of, body.get("aggs") or body.get("aggregations") or {}, matched)
    if "post_filter" in body:
        matched = [
            hit
            for hit in matched
            if score(index_of[hit[1]], hit[3], body["post_filter"]) is not None
        ]
    matched.sort(key=lambda hit: (-hit[0], hit[4]))
    start = int(body.get("from", params.get("from", 0)))
    size = int(body.get("size", params.get("size", 10)))
    includes = body.get("_source", True)
    hits = []
    for found, index_name, doc_id, source, _order in matched[start : start + size]:
        hit = {"_index": index_name, "_id": doc_id, "_score": found}
        if includes is not False:
            hit["_source"] = {k: v for k, v in source.items() if includes is True or k in includes}
        if "highlight" in body:
            hit_highlight = {}
            options = body["highlight"]
            for field, field_options in options["fields"].items():
                merged = {**{k: v for k, v in options.items() if k != "fields"}, **field_options}
                merged.setdefault("pre_tags", ["<em>"])
                merged.setdefault("post_tags", ["</em>"])
                fragments = highlight(
                    index_of[index_name], source, query_texts(query), field, merged
                )
                if fragments:
                    hit_highlight[field] = fragments
            if hit_highlight:
                hit["highlight"] = hit_highlight
        hits.append(hit)
    response = {
        "took": 1,
        "timed_out": False,
        "_shards": {"total": len(indices), "successful": len(indices), "skipped": 0, "failed": 0},
        "hits": {
            "total": {"value": len(matched), "relation": "eq"},
            "max_score": max((hit[0] for hit in matched), default=None),
            "hits": hits,
        },
    }
    if aggregations:
        response["aggregations"] = aggregations
    if "suggest" in body:
        suggest = dict(body["suggest"])
        shared = suggest.pop("text", None)
        response["suggest"] = {}
        for name, spec in suggest.items():
            text = spec.get("prefix", spec.get("text", shared))
            if "completion" in spec:
                fields = includes if isinstance(includes, list) else None
                response["suggest"][name] = completion(indices, text, spec["completion"], fields)
            elif "term" in spec:
                response["suggest"][name] = term_suggestions(indices, text, spec["term"])
            else:
                raise Refusal(400, "parsing_exception", f"suggester [{name}] is not supported")
    return response


# HTTP --------------------------------------------------------------------------------------


class Node:
    """The HTTP face of a Cluster: routes, parses and answers as Elasticsearch 8 does."""

    def __init__(self, cluster):
        self.cluster = cluster

    def handle(self, method, path, params, body):
        parts = [unquote(part) for part in path.strip("/").split("/") if part]
        head = method == "HEAD"
        with self.cluster.lock:
            if not parts:
                return 200, self.info()
            if parts == ["_cat", "plugins"]:
                return 200, [
                    {"name": "standin", "component": plugin, "version": VERSION}
                    for plugin in self.cluster.plugins
                ]
            if parts == ["_aliases"] and method == "POST":
                return 200, self.cluster.update_aliases(body["actions"])
            if parts[-1] == "_bulk" and method in ("POST", "PUT") and len(parts) <= 2:
                return 200, self.bulk(parts[0] if len(parts) == 2 else None, params, body)
            if parts[-1] == "_refresh" and len(parts) <= 2:
                names = self.cluster.resolve(parts[0] if len(parts) == 2 else "*")
                self.cluster.refresh(names)
                return 200, {
                    "_shards": {"total": len(names), "successful": len(names), "failed": 0}
                }
            if "_alias" in parts and method in ("GET", "HEAD") and len(parts) <= 3:
                return self.get_aliases(parts, head)
            if len(parts) == 2 and parts[1] == "_search" and method in ("GET", "POST"):
                return 200, search(self.cluster, parts[0], body or {}, params)
            if len(parts) == 2 and parts[1] == "_delete_by_query" and method == "POST":
                return 200, self.delete_by_query(parts[0], params, body)
            if len(parts) == 3 and parts[1] == "_doc" and method == "GET":
                return self.get_document(parts[0], parts[2])
            if len(parts) == 1 and not parts[0].startswith("_"):
                if method == "PUT":
                    self.cluster.create_index(parts[0], body or {})
                    return 200, {
                        "acknowledged": True,
                        "shards_acknowledged": True,
                        "index": parts[0],
                    }
                if head:
                    try:
                        return (
                            200 if self.cluster.resolve(parts[0], allow_no_indices=False) else 404
                        ), None
                    except Refusal:
                        return 404, None
                if method == "DELETE":
                    return 200, self.delete_indices(parts[0])
        raise Refusal(
            400,
            "illegal_argument_exception",
            f"no handler found for uri [{path}] and method [{method}] (the test stand-in does "
            "not implement it: see tests/search/elasticsearch_standin.py)",
        )

    def info(self):
        return {
            "name": "standin",
            "cluster_name": "leopard-standin",
            "cluster_uuid": "standin",
            "version": {
                "number": VERSION,
                "build_flavor": "default",
                "lucene_version": "9.11.1",
                "minimum_wire_compatibility_version": "7.17.0",
                "minimum_index_compatibility_version": "7.0.0",
            },
            "tagline": "You Know, for Search",
        }

    def bulk(self, default_index, params, lines):
        require_all = params.get("require_alias") == "true"
        items, touched = [], set()
        lines = iter(lines)
        for line in lines:
            ((op, meta),) = line.items()
            if op not in ("index", "create", "delete"):
                raise Refusal(400, "illegal_argument_exception", f"Unknown action [{op}]")
            source = next(lines) if op != "delete" else None
            name = meta.get("_index", default_index)
            try:
                index = self.cluster.write_target(name, op, meta.get("require_alias", require_all))
                result = self.cluster.write(index, op, meta.get("_id"), source)
                touched.add(index.name)
            except Refusal as refusal:
                result = {
                    "_index": name,
                    "_id": meta.get("_id"),
                    "status": refusal.status,
                    "error": refusal.cause,
                }
            items.append({op: result})
        if params.get("refresh") in ("true", "", "wait_for"):
            self.cluster.refresh(touched)
        return {
            "errors": any("error" in next(iter(item.values())) for item in items),
            "took": 1,
            "items": items,
        }

    def get_aliases(self, parts, head):
        position = parts.index("_alias")
        expression = parts[0] if position == 1 else None
        names = parts[position + 1].split(",") if len(parts) > position + 1 else None
        indices = self.cluster.resolve(expression) if expression else list(self.cluster.indices)
        found = {}
        for name in indices:
            aliases = self.cluster.indices[name].aliases
            chosen = {
                a: p
                for a, p in aliases.items()
                if names is None or any(fnmatch.fnmatchcase(a, n) for n in names)
            }
            if chosen or (names is None and expression):
                found[name] = {"aliases": copy.deepcopy(chosen)}
        present = {a for body in found.values() for a in body["aliases"]}
        missing = [n for n in names or [] if "*" not in n and n not in present]
        if head:
            return (404 if missing or (names and not present) else 200), None
        if missing:
            return 404, {**found, "error": f"alias [{','.join(missing)}] missing", "status": 404}
        return 200, found

    def get_document(self, name, doc_id):
        indices = self.cluster.resolve(name, allow_no_indices=False)
        if len(indices) > 1:
            raise Refusal(
                400,
                "illegal_argument_exception",
                f"alias [{name}] has more than one index associated with it [{', '.join(indices)}], "
                "can't execute a single index op",
            )
        doc = self.cluster.indices[indices[0]].docs.get(doc_id)
        if doc is None:
            return 404, {"_index": indices[0], "_id": doc_id, "found": False}
        return 200, {
            "_index": indices[0],
            "_id": doc_id,
            "_version": doc["_version"],
            "_seq_no": doc["_seq_no"],
            "_primary_term": 1,
            "found": True,
            "_source": doc["_source"],
        }

    def delete_by_query(self, expression, params, body):
        names = self.cluster.resolve(expression)
        deleted = conflicts = 0
        for name in names:
            index = self.cluster.indices[name]
            for doc_id, doc in list(index.searchable.items()):
                if score(index, doc["_source"], body["query"]) is None:
                    continue
                if index.docs.get(doc_id, {}).get("_version") != doc["_version"]:
                    conflicts += 1  # written again since the refresh this query saw
                    if params.get("conflicts") != "proceed":
                        raise Refusal(
                            409,
                            "version_conflict_engine_exception",
                            f"[{doc_id}]: version conflict",
                        )
                    continue
                del index.docs[doc_id]
                deleted += 1
        if params.get("refresh") in ("true", ""):
            self.cluster.refresh(names)
        return {
            "took": 1,
            "timed_out": False,
            "total": deleted + conflicts,
            "deleted": deleted,
            "batches": 1,
            "version_conflicts": conflicts,
            "noops": 0,
            "failures": [],
        }

    def delete_indices(self, expression):
        names = expression.split(",")
        for name in names:
            if "*" in name or name == "_all":
                raise Refusal(
                    400,
                    "illegal_argument_exception",
                    "Wildcard expressions or all indices are not allowed",
                )
            if self.cluster.is_alias(name):
                raise Refusal(
                    400,
                    "illegal_argument_exception",
                    f"The provided expression [{name}] matches an alias, specify the corresponding "
                    "concrete indices instead.",
                )
            if name not in self.cluster.indices:
                raise not_found(name)
        for name in names:
            del self.cluster.indices[name]
        return {"acknowledged": True}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the client's connection pool expects
    disable_nagle_algorithm = True  # headers and body go out at once, not 40 ms apart

    def log_message(self, format, *args):
        pass

    def _serve(self):
        server = self.server
        url = urlsplit(self.path)
        params = {
            key: values[-1] for key, values in parse_qs(url.query, keep_blank_values=True).items()
        }
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        text = raw.decode()
        if url.path.rstrip("/").endswith("_bulk"):
            body = [json.loads(line) for line in text.splitlines() if line.strip()]
        else:
            body = json.loads(text) if text.strip() else None
        server.requests.append((self.command, url.path, params, body))
        try:
            if server.before_request:
                server.before_request(self.command, url.path)
            status, payload = server.node.handle(self.command, url.path, params, body)
        except Refusal as refusal:
            status, payload = refusal.status, refusal.body()
        except Exception as error:  # a bug here must show as a server error, not hang the client
            status, payload = 500, Refusal(500, "standin_exception", repr(error)).body()
        data = b"" if payload is None or self.command == "HEAD" else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("X-Elastic-Product", "Elasticsearch")
        self.send_header("Content-Type", "application/vnd.elasticsearch+json;compatible-with=8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _serve


class StandIn:
    """The stand-in on a free loopback port, in a thread of the test process.

    `requests` logs (method, path, params, body); `before_request(method, path)`, when set,
    runs before each request is answered (a test holds requests there to stage a race).
    """

    def __init__(self, plugins=()):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.requests = []
        self.server.before_request = None
        self.server.node = Node(Cluster(plugins))
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def cluster(self):
        return self.server.node.cluster

    @property
    def requests(self):
        return self.server.requests

    def before_request(self, hook):
        self.server.before_request = hook

    def reset(self, plugins=()):
        self.server.node = Node(Cluster(plugins))
        self.server.requests.clear()
        self.server.before_request = None

    def aliases(self):
        """{alias: [index, …]} as the cluster holds them now."""
        with self.cluster.lock:
            held = {}
            for index in self.cluster.indices.values():
                for alias in index.aliases:
                    held.setdefault(alias, []).append(index.name)
            return {alias: sorted(names) for alias, names in held.items()}

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
