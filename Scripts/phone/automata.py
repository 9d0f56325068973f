"""Regular expressions -> precompiled automata, for the phone metadata generator.

libphonenumber describes numbering plans with regular expressions. RoasProof does not
run a regular-expression engine at run time; this module turns each expression into a
table-driven automaton once, at generation time:

* `dfa(...)`: a minimal deterministic automaton for whole-string matching (Python's
  `fullmatch`), optionally over a union of expressions whose accepting states carry the
  set (bit mask) of expressions that match.
* `priority_dfa(...)`: for expressions applied with Python's `re.match` (anchored at the
  start, first match in backtracking order), where the *end* of the match and the
  *capturing groups* matter (international dialling prefixes, national prefixes and their
  transform rules). The expression is expanded into its linear alternatives in the order
  Python's backtracking engine tries them; a trie-shaped automaton over those alternatives
  reports, at every position, the highest-priority alternative that ends there. The
  run-time answer is the highest-priority alternative over the whole walk, which is the
  match `re.match` returns. This needs a finite language, which every such expression in
  libphonenumber's metadata has (the generator checks).

Expressions are parsed by a small recursive-descent parser that accepts the subset of
Python's syntax the metadata and libphonenumber's own parsing patterns use; anything
else raises.
"""

import re

# ---------------------------------------------------------------------------
# Parsing


class Node:
    __slots__ = ("kind", "a", "b", "c", "d")

    def __init__(self, kind, a=None, b=None, c=None, d=None):
        self.kind, self.a, self.b, self.c, self.d = kind, a, b, c, d

    def __repr__(self):
        return "Node(%s, %r, %r, %r, %r)" % (self.kind, self.a, self.b, self.c, self.d)


class Parser:
    """Parses a pattern into Nodes.

    Node kinds: set (a = frozenset of symbols), cat (a = list), alt (a = list),
    rep (a = node, b = min, c = max or None, d = greedy), group (a = node, b = index or
    None), bol, eol.

    `atom_set(text)` maps the source text of one atom (a literal character, an escape or
    a bracket expression) to the frozenset of alphabet symbols it matches.
    """

    def __init__(self, pattern, atom_set):
        self.p = pattern
        self.i = 0
        self.atom_set = atom_set
        self.groups = 0

    def parse(self):
        node = self.alt()
        if self.i != len(self.p):
            raise ValueError("unexpected %r at %d in %r" % (self.p[self.i], self.i, self.p))
        return node

    def peek(self):
        return self.p[self.i] if self.i < len(self.p) else None

    def alt(self):
        branches = [self.cat()]
        while self.peek() == "|":
            self.i += 1
            branches.append(self.cat())
        return branches[0] if len(branches) == 1 else Node("alt", branches)

    def cat(self):
        items = []
        while self.peek() is not None and self.peek() not in "|)":
            items.append(self.quantified())
        return Node("cat", items)

    def quantified(self):
        node = self.atom()
        while True:
            ch = self.peek()
            if ch == "?":
                lo, hi = 0, 1
                self.i += 1
            elif ch == "*":
                lo, hi = 0, None
                self.i += 1
            elif ch == "+":
                lo, hi = 1, None
                self.i += 1
            elif ch == "{":
                m = re.compile(r"\{(\d+)(,(\d*))?\}").match(self.p, self.i)
                if not m:
                    raise ValueError("bad quantifier in %r" % self.p)
                lo = int(m.group(1))
                hi = lo if m.group(2) is None else (int(m.group(3)) if m.group(3) else None)
                self.i = m.end()
            else:
                return node
            greedy = True
            if self.peek() == "?":
                greedy = False
                self.i += 1
            node = Node("rep", node, lo, hi, greedy)

    def atom(self):
        ch = self.peek()
        if ch == "(":
            self.i += 1
            index = None
            if self.p.startswith("?:", self.i):
                self.i += 2
            elif self.peek() == "?":
                raise ValueError("unsupported group in %r" % self.p)
            else:
                self.groups += 1
                index = self.groups
            inner = self.alt()
            if self.peek() != ")":
                raise ValueError("unbalanced parenthesis in %r" % self.p)
            self.i += 1
            return Node("group", inner, index)
        if ch == "[":
            j = self.i + 1
            if j < len(self.p) and self.p[j] == "^":
                j += 1
            if j < len(self.p) and self.p[j] == "]":
                j += 1
            while self.p[j] != "]":
                j += 2 if self.p[j] == "\\" else 1
            text = self.p[self.i:j + 1]
            self.i = j + 1
            return Node("set", self.atom_set(text))
        if ch == "\\":
            text = self.p[self.i:self.i + 2]
            self.i += 2
            return Node("set", self.atom_set(text))
        if ch == "^":
            self.i += 1
            return Node("bol")
        if ch == "$":
            self.i += 1
            return Node("eol")
        if ch == ".":
            raise ValueError("'.' is not supported")
        self.i += 1
        return Node("set", self.atom_set(re.escape(ch)))


def parse(pattern, atom_set):
    parser = Parser(pattern, atom_set)
    node = parser.parse()
    return node, parser.groups


def reverse(node):
    """The expression matching the reversed strings (groups are kept but meaningless)."""
    k = node.kind
    if k == "cat":
        return Node("cat", [reverse(n) for n in reversed(node.a)])
    if k == "alt":
        return Node("alt", [reverse(n) for n in node.a])
    if k == "rep":
        return Node("rep", reverse(node.a), node.b, node.c, node.d)
    if k == "group":
        return Node("group", reverse(node.a), node.b)
    return node


# ---------------------------------------------------------------------------
# Thompson NFA -> DFA -> minimal DFA (whole-string matching)


class NFA:
    def __init__(self):
        self.eps = []    # state -> list of states
        self.edges = []  # state -> list of (frozenset symbols, state)
        self.tag = {}    # final state -> tag bit mask

    def new(self):
        self.eps.append([])
        self.edges.append([])
        return len(self.eps) - 1

    def build(self, node, start):
        """Adds `node` from `start`; returns its end state."""
        k = node.kind
        if k == "set":
            end = self.new()
            if node.a:
                self.edges[start].append((node.a, end))
            return end
        if k == "cat":
            cur = start
            for child in node.a:
                cur = self.build(child, cur)
            return cur
        if k == "alt":
            end = self.new()
            for child in node.a:
                s = self.new()
                self.eps[start].append(s)
                self.eps[self.build(child, s)].append(end)
            return end
        if k == "group":
            return self.build(node.a, start)
        if k in ("bol", "eol"):
            return start  # whole-string matching: anchors at the ends are no-ops
        if k == "rep":
            cur = start
            for _ in range(node.b):
                cur = self.build(node.a, cur)
            if node.c is None:
                loop = self.new()
                self.eps[cur].append(loop)
                end = self.build(node.a, loop)
                self.eps[end].append(loop)
                after = self.new()
                self.eps[loop].append(after)
                return after
            after = self.new()
            for _ in range(node.c - node.b):
                self.eps[cur].append(after)
                cur = self.build(node.a, cur)
            self.eps[cur].append(after)
            return after
        raise ValueError(k)


def _closure(nfa, states):
    stack = list(states)
    seen = set(states)
    while stack:
        s = stack.pop()
        for t in nfa.eps[s]:
            if t not in seen:
                seen.add(t)
                stack.append(t)
    return frozenset(seen)


class DFA:
    """States 0..n-1; state 0 is the dead state. trans[s][sym] -> state; label[s] -> int."""

    def __init__(self, nsym):
        self.nsym = nsym
        self.trans = [[0] * nsym]
        self.label = [0]
        self.start = 0

    def add(self, label):
        self.trans.append([0] * self.nsym)
        self.label.append(label)
        return len(self.label) - 1


def determinize(nfa, start, nsym):
    dfa = DFA(nsym)
    ids = {}
    first = _closure(nfa, [start])

    def label_of(ss):
        bits = 0
        for s in ss:
            bits |= nfa.tag.get(s, 0)
        return bits

    ids[first] = dfa.add(label_of(first))
    dfa.start = ids[first]
    work = [first]
    while work:
        ss = work.pop()
        sid = ids[ss]
        moves = {}
        for s in ss:
            for syms, t in nfa.edges[s]:
                for sym in syms:
                    moves.setdefault(sym, set()).add(t)
        for sym, targets in moves.items():
            tt = _closure(nfa, targets)
            if tt not in ids:
                ids[tt] = dfa.add(label_of(tt))
                work.append(tt)
            dfa.trans[sid][sym] = ids[tt]
    return minimize(dfa)


def minimize(dfa):
    """Moore's partition refinement; the dead state stays state 0."""
    n = len(dfa.label)
    # Reachable states only.
    reach = {dfa.start}
    stack = [dfa.start]
    while stack:
        s = stack.pop()
        for t in dfa.trans[s]:
            if t not in reach:
                reach.add(t)
                stack.append(t)
    reach.add(0)
    states = sorted(reach)
    block = {s: (dfa.label[s],) for s in states}
    while True:
        sig = {s: (block[s], tuple(block[t] for t in dfa.trans[s])) for s in states}
        names = {}
        new_block = {}
        for s in states:
            new_block[s] = names.setdefault(sig[s], len(names))
        if len(set(new_block.values())) == len(set(block.values())):
            block = new_block
            break
        block = new_block
    out = DFA(dfa.nsym)
    remap = {block[0]: 0}
    # A state equivalent to the dead state (no accepting future) maps to 0.
    order = [dfa.start] + [s for s in states if s != dfa.start]
    for s in order:
        b = block[s]
        if b not in remap:
            remap[b] = out.add(dfa.label[s])
    for s in states:
        out.trans[remap[block[s]]] = [remap[block[t]] for t in dfa.trans[s]]
    out.trans[0] = [0] * dfa.nsym
    out.label[0] = dfa.label[0]
    out.start = remap[block[dfa.start]]
    return out


def dfa(nodes_with_tags, nsym):
    """A minimal DFA for the union of (node, tag) pairs; labels are OR-ed tags."""
    nfa = NFA()
    start = nfa.new()
    for node, tag in nodes_with_tags:
        s = nfa.new()
        nfa.eps[start].append(s)
        end = nfa.build(node, s)
        nfa.tag[end] = nfa.tag.get(end, 0) | tag
    return determinize(nfa, start, nsym)


# ---------------------------------------------------------------------------
# Linear alternatives in backtracking order (for re.match with priority and groups)

LIMIT = 20000


def linearize(node):
    """The expression's linear alternatives, in the order Python's engine tries them.

    Each alternative is a tuple of items: ('c', frozenset), ('gs', k), ('ge', k), ('eol',).
    """
    k = node.kind
    if k == "set":
        return [(("c", node.a),)] if node.a else []
    if k == "cat":
        seqs = [()]
        for child in node.a:
            nxt = linearize(child)
            seqs = [a + b for a in seqs for b in nxt]
            if len(seqs) > LIMIT:
                raise ValueError("too many alternatives")
        return seqs
    if k == "alt":
        out = []
        for child in node.a:
            out += linearize(child)
        return out
    if k == "group":
        inner = linearize(node.a)
        if node.b is None:
            return inner
        return [(("gs", node.b),) + s + (("ge", node.b),) for s in inner]
    if k == "bol":
        return [()]
    if k == "eol":
        return [(("eol",),)]
    if k == "rep":
        if node.c is None:
            raise ValueError("unbounded repetition cannot be linearized")

        def rep(lo, hi):
            if hi == 0:
                return [()]
            body = linearize(node.a)
            if lo > 0:
                return [a + b for a in body for b in rep(lo - 1, hi - 1)]
            more = [a + b for a in body for b in rep(0, hi - 1)]
            return more + [()] if node.d else [()] + more
        return rep(node.b, node.c)
    raise ValueError(k)


class Alternative:
    __slots__ = ("classes", "end_anchored", "groups")

    def __init__(self, items):
        self.classes = []
        self.groups = {}
        self.end_anchored = False
        for i, item in enumerate(items):
            if item[0] == "c":
                if self.end_anchored:
                    raise ValueError("characters after $")
                self.classes.append(item[1])
            elif item[0] == "gs":
                self.groups[item[1]] = [len(self.classes), None]
            elif item[0] == "ge":
                self.groups[item[1]][1] = len(self.classes)
            elif item[0] == "eol":
                self.end_anchored = True


def priority_dfa(node, nsym):
    """Returns (dfa, alternatives). A DFA state's label packs two alternative indices
    (16 bits each, 0xFFFF = none): the best alternative that ends at this position, and
    the best end-anchored ($) alternative that ends here (valid only at the input's end).
    """
    alts = [Alternative(items) for items in linearize(node)]
    if len(alts) >= 0xFFFF:
        raise ValueError("too many alternatives")
    out = DFA(nsym)
    ids = {}

    def label_of(ss):
        best_any = best_end = 0xFFFF
        for a, pos in ss:
            if pos == len(alts[a].classes):
                if alts[a].end_anchored:
                    best_end = min(best_end, a)
                else:
                    best_any = min(best_any, a)
        return best_any | (best_end << 16)

    first = frozenset((a, 0) for a in range(len(alts)))
    ids[first] = out.add(label_of(first))
    out.start = ids[first]
    work = [first]
    while work:
        ss = work.pop()
        sid = ids[ss]
        for sym in range(nsym):
            tt = frozenset((a, pos + 1) for a, pos in ss
                           if pos < len(alts[a].classes) and sym in alts[a].classes[pos])
            if not tt:
                continue
            if tt not in ids:
                ids[tt] = out.add(label_of(tt))
                work.append(tt)
            out.trans[sid][sym] = ids[tt]
    # The dead state's label must say "no alternative" too.
    out.label[0] = 0xFFFF | (0xFFFF << 16)
    return minimize(out), alts
