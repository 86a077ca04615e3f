using System.Globalization;

namespace Engine.ChatTemplates.Runtime;

/// <summary>
/// Jinja2's sequence and mapping filters: first/last/join/list/map/select/reject/selectattr/rejectattr/items/
/// dictsort/unique/sum/min/max/sort/reverse/batch/slice/groupby. Attribute paths (<c>attribute='a.b.0'</c>)
/// go through item lookup as Jinja's make_attrgetter does.
/// </summary>
internal static class CollectionFilters
{
    private static readonly string[] GroupFields = ["grouper", "list"];

    public static object? Apply(Interpreter interpreter, string name, object? value, CallArgs args)
    {
        switch (name)
        {
            case "first":
                var items = PyOps.Iterate(value);
                return items.Count > 0 ? items[0] : new Undefined("UndefinedError: No first item, sequence was empty.");
            case "last":
                var all = PyOps.Iterate(value);
                return all.Count > 0 ? all[^1] : new Undefined("UndefinedError: No last item, sequence was empty.");
            case "join":
                var separator = PyRepr.Str(args.Get(0, "d", ""));
                var attribute = args.Get(1, "attribute");
                var parts = PyOps.Iterate(value).Select(x => PyRepr.Str(attribute is null ? x : Attribute(x, attribute, null)));
                var joined = string.Join(separator, parts);
                interpreter.Budget.CheckSize(joined.Length);
                return joined;
            case "list": return PyOps.Iterate(value);
            case "reverse":
                if (value is string s)
                {
                    return PyText.Reverse(s);
                }
                var reversed = PyOps.Iterate(value);
                reversed.Reverse();
                return reversed;
            case "items":
                return value is Undefined ? new List<object?>()
                    : value is PyDict d ? d.Select(kv => (object?)new PyTuple([kv.Key, kv.Value])).ToList()
                    : throw PyOps.TypeError("Can only get item pairs from a mapping.");
            case "map": return Map(interpreter, value, args);
            case "select" or "reject": return Select(interpreter, value, args, attribute: false, keep: name == "select");
            case "selectattr" or "rejectattr": return Select(interpreter, value, args, attribute: true, keep: name == "selectattr");
            case "unique": return Unique(value, args);
            case "sum":
                object? total = args.Get(1, "start", 0L);
                var sumAttribute = args.Get(0, "attribute");
                foreach (var item in PyOps.Iterate(value))
                {
                    total = PyOps.Binary("+", total, sumAttribute is null ? item : Attribute(item, sumAttribute, null), interpreter.Budget);
                }
                return total;
            case "min" or "max": return MinMax(value, args, name == "max");
            case "sort": return Sort(value, args);
            case "dictsort": return DictSort(value, args);
            case "batch": return Batch(value, args);
            case "slice": return Slice(value, args);
            case "groupby": return GroupBy(value, args);
            default:
                throw new ChatTemplateException($"TemplateAssertionError: No filter named '{name}'.");
        }
    }

    /// <summary>Jinja's make_attrgetter: dotted path, integer parts as indices, item lookup at each step.</summary>
    public static object? Attribute(object? item, object? path, object? fallback)
    {
        var parts = path is string s ? s.Split('.') : [PyRepr.Str(path)];
        var current = item;
        foreach (var part in parts)
        {
            current = Lookup.GetItem(current, long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : part);
        }
        return fallback is not null && current is Undefined ? fallback : current;
    }

    private static List<object?> Map(Interpreter interpreter, object? value, CallArgs args)
    {
        var items = PyOps.Iterate(value);
        var attribute = args.Get(-1, "attribute");
        if (attribute is not null)
        {
            var fallback = args.Get(-1, "default");
            return items.ConvertAll(x => Attribute(x, attribute, fallback));
        }
        if (args.Positional.Count == 0)
        {
            return items;
        }
        var filter = PyRepr.Str(args.Positional[0]);
        var rest = new CallArgs(args.Positional.Skip(1).ToList(), args.Keyword);
        return items.ConvertAll(x => Filters.Apply(interpreter, filter, x, rest));
    }

    private static List<object?> Select(Interpreter interpreter, object? value, CallArgs args, bool attribute, bool keep)
    {
        var offset = attribute ? 1 : 0;
        var path = attribute ? args.Get(0, "attribute") : null;
        var test = args.Positional.Count > offset ? PyRepr.Str(args.Positional[offset]) : null;
        var testArgs = new CallArgs(args.Positional.Skip(offset + 1).ToList(), args.Keyword);
        return PyOps.Iterate(value).FindAll(item =>
        {
            var subject = attribute ? Attribute(item, path, null) : item;
            var passed = test is null ? PyOps.Truthy(subject) : PyOps.Truthy(BuiltinTests.Apply(interpreter, test, subject, testArgs));
            return passed == keep;
        });
    }

    // Sort key: lower-cased strings unless case_sensitive, as Jinja's ignore_case.
    private static object? Key(object? item, bool caseSensitive) => !caseSensitive && item is string s ? s.ToLowerInvariant() : item;

    private static List<object?> Unique(object? value, CallArgs args)
    {
        var caseSensitive = PyOps.Truthy(args.Get(0, "case_sensitive", false));
        var attribute = args.Get(1, "attribute");
        var seen = new List<object?>();
        var result = new List<object?>();
        foreach (var item in PyOps.Iterate(value))
        {
            var key = Key(attribute is null ? item : Attribute(item, attribute, null), caseSensitive);
            if (!seen.Exists(x => PyOps.Equal(x, key)))
            {
                seen.Add(key);
                result.Add(item);
            }
        }
        return result;
    }

    private static object? MinMax(object? value, CallArgs args, bool max)
    {
        var caseSensitive = PyOps.Truthy(args.Get(0, "case_sensitive", false));
        var attribute = args.Get(1, "attribute");
        var items = PyOps.Iterate(value);
        if (items.Count == 0)
        {
            return new Undefined($"UndefinedError: No aggregated item, sequence was empty.");
        }
        var best = items[0];
        foreach (var item in items.Skip(1))
        {
            var a = Key(attribute is null ? item : Attribute(item, attribute, null), caseSensitive);
            var b = Key(attribute is null ? best : Attribute(best, attribute, null), caseSensitive);
            var cmp = PyOps.Compare(a, b, "<");
            if (max ? cmp > 0 : cmp < 0)
            {
                best = item;
            }
        }
        return best;
    }

    private static List<object?> Sort(object? value, CallArgs args)
    {
        var reverse = PyOps.Truthy(args.Get(0, "reverse", false));
        var caseSensitive = PyOps.Truthy(args.Get(1, "case_sensitive", false));
        var attribute = args.Get(2, "attribute");
        var items = PyOps.Iterate(value);
        var keyed = items.Select((item, i) => (Key: Key(attribute is null ? item : Attribute(item, attribute, null), caseSensitive), Index: i, Item: item)).ToList();
        // Python's sort is stable; reverse=True keeps equal items in their original order too.
        keyed.Sort((x, y) =>
        {
            var cmp = PyOps.Compare(x.Key, y.Key, "<");
            return cmp != 0 ? (reverse ? -cmp : cmp) : x.Index.CompareTo(y.Index);
        });
        return keyed.ConvertAll(x => x.Item);
    }

    private static List<object?> DictSort(object? value, CallArgs args)
    {
        if (value is not PyDict dict)
        {
            throw PyOps.TypeError("dictsort expects a mapping");
        }
        var caseSensitive = PyOps.Truthy(args.Get(0, "case_sensitive", false));
        var byValue = (args.Get(1, "by", "key") as string) == "value";
        var reverse = PyOps.Truthy(args.Get(2, "reverse", false));
        var pairs = dict.Select((kv, i) => (Pair: kv, Index: i)).ToList();
        pairs.Sort((x, y) =>
        {
            var cmp = PyOps.Compare(Key(byValue ? x.Pair.Value : x.Pair.Key, caseSensitive), Key(byValue ? y.Pair.Value : y.Pair.Key, caseSensitive), "<");
            return cmp != 0 ? (reverse ? -cmp : cmp) : x.Index.CompareTo(y.Index);
        });
        return pairs.ConvertAll(x => (object?)new PyTuple([x.Pair.Key, x.Pair.Value]));
    }

    private static List<object?> Batch(object? value, CallArgs args)
    {
        var size = args.Get(0, "linecount") is long n && n > 0 ? (int)n : throw PyOps.TypeError("batch needs a positive linecount");
        var hasFill = args.Has(1, "fill_with");
        var fill = args.Get(1, "fill_with");
        var result = new List<object?>();
        var items = PyOps.Iterate(value);
        for (var i = 0; i < items.Count; i += size)
        {
            var chunk = items.GetRange(i, Math.Min(size, items.Count - i));
            while (hasFill && chunk.Count < size)
            {
                chunk.Add(fill);
            }
            result.Add(chunk);
        }
        return result;
    }

    private static List<object?> Slice(object? value, CallArgs args)
    {
        var slices = args.Get(0, "slices") is long n && n > 0 ? (int)n : throw PyOps.TypeError("slice needs a positive count");
        var hasFill = args.Has(1, "fill_with");
        var fill = args.Get(1, "fill_with");
        var items = PyOps.Iterate(value);
        var perSlice = items.Count / slices;
        var withExtra = items.Count % slices;
        var offset = 0;
        var result = new List<object?>();
        for (var i = 0; i < slices; i++)
        {
            var start = offset + (i * perSlice);
            if (i < withExtra)
            {
                offset++;
            }
            var end = offset + ((i + 1) * perSlice);
            var chunk = items.GetRange(start, end - start);
            if (hasFill && i >= withExtra)
            {
                chunk.Add(fill);
            }
            result.Add(chunk);
        }
        return result;
    }

    // groupby(attribute): sorted by the key, one (grouper, list) tuple per distinct key.
    private static List<object?> GroupBy(object? value, CallArgs args)
    {
        var attribute = args.Get(0, "attribute");
        var fallback = args.Get(1, "default");
        var sorted = Sort(value, new CallArgs([], [new("attribute", attribute), new("case_sensitive", true)]));
        var groups = new List<object?>();
        foreach (var item in sorted)
        {
            var key = Attribute(item, attribute, fallback);
            if (groups.Count > 0 && groups[^1] is PyTuple last && PyOps.Equal(last.Items[0], key))
            {
                ((List<object?>)last.Items[1]!).Add(item);
            }
            else
            {
                groups.Add(new PyTuple([key, new List<object?> { item }], GroupFields));
            }
        }
        return groups;
    }
}
