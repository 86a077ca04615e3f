namespace Engine.Guided;

/// <summary>
/// Collects rules (by name, in any order, forward references allowed), expands repetition into helper rules
/// the way llama.cpp does (<c>x*</c> → <c>r ::= x r | ε</c>, right-recursive so the matcher's tail call keeps
/// the stack flat), then checks and lays out a <see cref="Grammar"/>: every referenced rule defined, the root
/// present, and no left recursion (direct, indirect or through nullable prefixes such as <c>(a*)*</c>), which
/// would make expansion loop forever.
/// </summary>
internal sealed class GrammarBuilder
{
    private readonly List<string> _names = [];
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly List<List<List<GrammarSymbol>>?> _bodies = [];
    private readonly List<CharSet> _charSets = [];
    private readonly Dictionary<string, int> _fresh = new(StringComparer.Ordinal);

    /// <summary>The id of rule <paramref name="name"/>, created undefined on first mention.</summary>
    public int RuleId(string name)
    {
        if (!_ids.TryGetValue(name, out var id))
        {
            id = _names.Count;
            _ids[name] = id;
            _names.Add(name);
            _bodies.Add(null);
        }
        return id;
    }

    public bool IsDefined(string name) => _ids.TryGetValue(name, out var id) && _bodies[id] is not null;

    /// <summary>A new rule named after <paramref name="baseName"/> (<c>base-1</c>, <c>base-2</c>, …).</summary>
    public int FreshRule(string baseName)
    {
        var n = _fresh.TryGetValue(baseName, out var k) ? k + 1 : 1;
        string name;
        do
        {
            name = $"{baseName}-{n++}";
        }
        while (_ids.ContainsKey(name));
        _fresh[baseName] = n - 1;
        return RuleId(name);
    }

    public void Define(int rule, List<List<GrammarSymbol>> alternatives)
    {
        if (_bodies[rule] is not null)
        {
            throw new GrammarException($"Rule '{_names[rule]}' is defined twice.");
        }
        _bodies[rule] = alternatives;
    }

    public GrammarSymbol Chars(CharSet set)
    {
        _charSets.Add(set);
        return GrammarSymbol.Chars(_charSets.Count - 1);
    }

    /// <summary>The symbols of <paramref name="item"/> repeated between <paramref name="min"/> and <paramref name="max"/> times (max −1 = unbounded).</summary>
    public List<GrammarSymbol> Repeat(List<GrammarSymbol> item, int min, int max, string baseName)
    {
        var result = new List<GrammarSymbol>();
        for (var i = 0; i < min; i++)
        {
            result.AddRange(item);
        }
        if (max < 0)
        {
            // star ::= item star | ε
            var star = FreshRule(baseName);
            Define(star, [[.. item, GrammarSymbol.RuleRef(star)], []]);
            result.Add(GrammarSymbol.RuleRef(star));
            return result;
        }
        if (max > min)
        {
            // optional tail, nested: o_k ::= item o_(k−1) | ε, o_1 ::= item | ε
            GrammarSymbol? inner = null;
            for (var k = 0; k < max - min; k++)
            {
                var opt = FreshRule(baseName);
                List<GrammarSymbol> first = [.. item];
                if (inner is { } s)
                {
                    first.Add(s);
                }
                Define(opt, [first, []]);
                inner = GrammarSymbol.RuleRef(opt);
            }
            result.Add(inner!.Value);
        }
        return result;
    }

    public Grammar Build(string rootName)
    {
        if (!_ids.TryGetValue(rootName, out var root) || _bodies[root] is null)
        {
            throw new GrammarException($"The grammar has no '{rootName}' rule.");
        }
        for (var r = 0; r < _names.Count; r++)
        {
            if (_bodies[r] is null)
            {
                throw new GrammarException($"Rule '{_names[r]}' is referenced but never defined.");
            }
        }
        CheckLeftRecursion();

        var kind = new List<byte>();
        var value = new List<int>();
        var alternatives = new int[_names.Count][];
        for (var r = 0; r < _names.Count; r++)
        {
            var alts = _bodies[r]!;
            alternatives[r] = new int[alts.Count];
            for (var a = 0; a < alts.Count; a++)
            {
                alternatives[r][a] = kind.Count;
                foreach (var s in alts[a])
                {
                    kind.Add(s.IsRule ? Grammar.Rule : Grammar.Char);
                    value.Add(s.Value);
                }
                kind.Add(Grammar.End);
                value.Add(0);
            }
        }
        return new Grammar([.. kind], [.. value], [.. _charSets], alternatives, [.. _names], root);
    }

    private void CheckLeftRecursion()
    {
        var count = _names.Count;
        var nullable = NullableRules();
        // r → s when s can be expanded at r's left edge without consuming a code point
        var edges = new List<int>[count];
        for (var r = 0; r < count; r++)
        {
            edges[r] = [];
            foreach (var alt in _bodies[r]!)
            {
                foreach (var s in alt)
                {
                    if (!s.IsRule)
                    {
                        break;
                    }
                    edges[r].Add(s.Value);
                    if (!nullable[s.Value])
                    {
                        break;
                    }
                }
            }
        }
        // depth-first with an explicit stack (rule, next edge): a client's chain of thousands of rules must not
        // overflow the call stack
        var state = new byte[count]; // 0 unseen, 1 on the path, 2 done
        var path = new List<int>();
        var nextEdge = new List<int>();
        for (var root = 0; root < count; root++)
        {
            if (state[root] != 0)
            {
                continue;
            }
            state[root] = 1;
            path.Add(root);
            nextEdge.Add(0);
            while (path.Count > 0)
            {
                var r = path[^1];
                var e = nextEdge[^1];
                if (e == edges[r].Count)
                {
                    state[r] = 2;
                    path.RemoveAt(path.Count - 1);
                    nextEdge.RemoveAt(nextEdge.Count - 1);
                    continue;
                }
                nextEdge[^1] = e + 1;
                var s = edges[r][e];
                if (state[s] == 1)
                {
                    var cycle = path.Skip(path.IndexOf(s)).Append(s).Select(i => _names[i]);
                    throw new GrammarException(
                        $"Rule '{_names[s]}' is left-recursive ({string.Join(" → ", cycle)}): it can reach itself without consuming input. Rewrite it right-recursively or with repetition.");
                }
                if (state[s] == 0)
                {
                    state[s] = 1;
                    path.Add(s);
                    nextEdge.Add(0);
                }
            }
        }
    }

    // Rules that can match the empty string: an alternative is nullable once every symbol in it is a nullable rule.
    // A worklist counts each alternative's symbols not yet known nullable, so a long chain of rules costs linear
    // time (a fixpoint over all rules per round would be quadratic).
    private bool[] NullableRules()
    {
        var count = _names.Count;
        var nullable = new bool[count];
        var pending = new List<int[]>(count);
        var uses = new List<(int Rule, int Alt)>?[count];
        var ready = new Stack<int>();
        for (var r = 0; r < count; r++)
        {
            var alts = _bodies[r]!;
            var left = new int[alts.Count];
            for (var a = 0; a < alts.Count; a++)
            {
                foreach (var s in alts[a])
                {
                    if (!s.IsRule)
                    {
                        left[a] = -1; // holds a character: never nullable
                        break;
                    }
                    left[a]++;
                }
            }
            pending.Add(left);
            for (var a = 0; a < alts.Count; a++)
            {
                if (left[a] <= 0)
                {
                    continue;
                }
                foreach (var s in alts[a])
                {
                    (uses[s.Value] ??= []).Add((r, a));
                }
            }
            if (Array.IndexOf(left, 0) >= 0)
            {
                nullable[r] = true;
                ready.Push(r);
            }
        }
        while (ready.TryPop(out var s))
        {
            foreach (var (r, a) in uses[s] ?? [])
            {
                if (--pending[r][a] == 0 && !nullable[r])
                {
                    nullable[r] = true;
                    ready.Push(r);
                }
            }
        }
        return nullable;
    }
}
