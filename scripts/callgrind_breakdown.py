"""Where a process's instructions go, from a callgrind profile (scripts/bench's breakdowns).

Each function's own cost goes to the group of the innermost enclosing function that falls in one of
COST_GROUPS (first match wins), so the conformance scans that argument-parser triggers count as scans,
and argument-parser's own work as argument-parser. callgrind keeps caller-callee pairs, not whole stacks:
a function called from several groups is split among them in proportion to what each call cost. Needs
a binary with its symbol table (not stripped; valgrind cannot read this toolchain's DWARF, so strip
--strip-debug). Swift symbols are matched by their mangled module prefix: `$s` + length + name.
"""
import heapq
import re
from collections import defaultdict


def _modules(*names):
    return r"^\$s(?:" + "|".join(f"{len(n)}{re.escape(n)}" for n in names) + ")"


COST_GROUPS = [
    ("dynamic loader and relocations", None, "ld-linux"),
    ("dladdr (the Swift runtime finding its own image)", r"^(_dl_addr|dladdr1?|__dladdr1?)$", None),
    ("Swift runtime: conformance scans", r"conformsToProtocol", None),
    ("Swift runtime: metadata and mangled-name lookups",
     r"^swift_(get|instantiate|allocateGeneric|checkMetadataState|initClassMetadata|initStructMetadata|initEnumMetadata)|swift::Demangle|_getTypeByMangled", None),
    ("Swift runtime: reflection (Mirror)", r"swift_reflectionMirror|^\$ss6Mirror|ReflectionMirror", None),
    ("argument-parser", _modules("ArgumentParser", "ArgumentParserToolInfo"), None),
    ("TLS and crypto (BoringSSL, swift-crypto, NIOSSL)",
     r"CCryptoBoringSSL|CNIOBoringSSL|" + _modules("Crypto", "_CryptoExtras", "CryptoExtras", "NIOSSL", "NIOTLS"), None),
    ("certificates (X509, ASN.1)", _modules("X509", "SwiftASN1", "_CertificateInternals"), None),
    ("NIO: event loop, channels, HTTP/1.1", r"CNIOLinux|CNIOPosix|" + _modules("NIOPosix", "NIOCore", "NIOHTTP1", "NIOExtras", "_NIODataStructures", "NIOConcurrencyHelpers"), None),
    ("JSON", r"JSON", None),
    ("printing", r"^\$ss5print|^\$ss6_print|^_IO_|^(fwrite|fflush|puts|fputs|write|__write|_swift_stdlib_fwrite_stdout)$", None),
    ("exit", r"^(exit|__run_exit_handlers|__cxa_finalize|_dl_fini)$", None),
    ("rolecall's own code",
     _modules("rolecall", "Session", "Issuance", "IssuanceCore", "IssuerProtocol", "RolesAnywhere", "HTTPSTransport",
              "CommandLineSupport", "TokenKeys", "ChildProcess", "SecurityTokenService") + "|^rolecall_", None),
]
OTHER = "other: Swift standard library, allocation, threads, libc"


# The same without the Swift runtime's groups: what the runtime does (conformance scans, metadata) is
# charged to the code that asked for it.
BY_TRIGGER = [group for group in COST_GROUPS if not group[0].startswith("Swift runtime")]


def _group(name, obj, groups):
    for label, pattern, in_object in groups:
        if in_object and obj and in_object in obj:
            return label
        if pattern and re.search(pattern, name):
            return label
    return None


def _read(path):
    names, objects = {}, {}
    own = defaultdict(int)
    calls = defaultdict(lambda: defaultdict(int))
    object_of = {}
    total = 0

    def resolve(table, text):
        match = re.match(r"\((\d+)\)(?: (.*))?$", text)
        if not match:
            return text
        if match.group(2) is not None:
            table[match.group(1)] = match.group(2)
        return match.group(1)

    fn = ob = cob = cfn = None
    callee = None
    with open(path) as lines:
        for line in lines:
            line = line.rstrip("\n")
            if not line:
                continue
            head = line[0]
            if head.isdigit() or head in "+-*":
                cost = int(line.split()[-1])
                if callee is not None:
                    calls[fn][callee] += cost
                    callee = None
                else:
                    own[fn] += cost
            elif line.startswith("fn="):
                fn = resolve(names, line[3:])
                object_of.setdefault(fn, ob)
            elif line.startswith("ob="):
                ob = resolve(objects, line[3:])
            elif line.startswith("cob="):
                cob = resolve(objects, line[4:])
            elif line.startswith("cfn="):
                cfn = resolve(names, line[4:])
                object_of.setdefault(cfn, cob or ob)
            elif line.startswith("calls="):
                callee, cob = cfn, None
            elif line.startswith("summary:") or line.startswith("totals:"):
                total = max(total, int(line.split()[1]))
    return own, calls, {f: (names.get(f, f), objects.get(ob, ob)) for f, ob in object_of.items()}, total


def where_it_goes(path, cost_groups=COST_GROUPS):
    """{group: instructions} for one callgrind profile, and the profile's total."""
    own, calls, object_of, total = _read(path)
    functions = set(own) | set(calls) | {g for callees in calls.values() for g in callees}
    inclusive = {f: own.get(f, 0) + sum(c for g, c in calls.get(f, {}).items() if g != f) for f in functions}
    # A thread's start (clone) is called with the cost of the call alone: what a function costs beyond
    # what its callers' arcs bring is a root of its own (a process start, a thread).
    arriving_cost = defaultdict(int)
    for f, callees in calls.items():
        for g, cost in callees.items():
            if g != f:
                arriving_cost[g] += cost
    flow = defaultdict(lambda: defaultdict(float))
    for f in functions:
        if inclusive[f] > arriving_cost[f]:
            flow[f][None] += inclusive[f] - arriving_cost[f]
    # Callers before callees where the graph allows (the larger inclusive cost first); a function that gets
    # more flow later (another thread, a cycle) is taken again.
    groups = defaultdict(float)
    queue = [(-inclusive[f], f) for f in flow]
    heapq.heapify(queue)
    while queue:
        _, f = heapq.heappop(queue)
        arriving = flow.pop(f, None)
        if not arriving or inclusive[f] == 0:
            continue
        scale = min(1.0, inclusive[f] / sum(arriving.values()))
        own_group = _group(*object_of.get(f, (f, None)), cost_groups)
        for group, amount in arriving.items():
            share = amount * scale / inclusive[f]
            group = own_group or group
            groups[group or OTHER] += own.get(f, 0) * share
            for g, cost in calls.get(f, {}).items():
                if g == f:
                    continue
                if cost * share < 100:  # too small to follow: stays with the caller's group
                    groups[group or OTHER] += cost * share
                    continue
                if g not in flow:
                    heapq.heappush(queue, (-inclusive[g], g))
                flow[g][group] += cost * share
    return dict(groups), total


def table(profiles, heading="where it goes", cost_groups=COST_GROUPS):
    """Markdown rows: one column per profile ({title: path}), one row per group, largest first
    (groups under 0.05 M in every profile left out)."""
    results = {title: where_it_goes(path, cost_groups) for title, path in profiles.items()}
    order = sorted({g for groups, _ in results.values() for g in groups if groups[g] >= 50_000},
                   key=lambda g: -max(groups.get(g, 0) / total for groups, total in results.values()))
    rows = [f"| {heading} | {' | '.join(results)} |", "| --- |" + " ---: |" * len(results)]
    for group in order:
        cells = (f"{groups.get(group, 0) / 1e6:.2f} M ({100 * groups.get(group, 0) / total:.0f} %)" for groups, total in results.values())
        rows.append(f"| {group} | {' | '.join(cells)} |")
    rows.append(f"| **total** | {' | '.join(f'**{total / 1e6:.1f} M**' for _, total in results.values())} |")
    return rows
