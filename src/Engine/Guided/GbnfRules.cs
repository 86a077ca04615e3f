using System.Text;

namespace Engine.Guided;

/// <summary>Collects named GBNF rules emitted by a front-end (JSON schema, regex, choice) and renders the grammar text.</summary>
internal sealed class GbnfRules
{
    private readonly List<(string Name, string Body)> _rules = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    /// <summary>Adds <c>name ::= body</c> under a unique name derived from <paramref name="hint"/> and returns the name.</summary>
    public string Add(string hint, string body)
    {
        var name = Reserve(hint);
        Define(name, body);
        return name;
    }

    /// <summary>A unique rule name derived from <paramref name="hint"/>, to be <see cref="Define"/>d later (recursive rules).</summary>
    public string Reserve(string hint)
    {
        var baseName = Sanitise(hint);
        var name = baseName;
        for (var i = 2; !_names.Add(name); i++)
        {
            name = $"{baseName}_{i}";
        }
        return name;
    }

    public void Define(string name, string body) => _rules.Add((name, body));

    public bool Has(string name) => _names.Contains(name);

    /// <summary>The grammar text with <c>root ::= rootBody</c> first.</summary>
    public string Render(string rootBody)
    {
        var sb = new StringBuilder();
        sb.Append("root ::= ").Append(rootBody).Append('\n');
        foreach (var (name, body) in _rules)
        {
            sb.Append(name).Append(" ::= ").Append(body).Append('\n');
        }
        return sb.ToString();
    }

    private static string Sanitise(string hint)
    {
        var sb = new StringBuilder();
        foreach (var c in hint)
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) || c == '-' ? c : '_');
        }
        var s = sb.ToString().Trim('_', '-');
        // GbnfParser names its helper rules "name-N"; never collide with them
        if (s.LastIndexOf('-') is var dash and >= 0 && dash < s.Length - 1 && s.AsSpan(dash + 1).IndexOfAnyExceptInRange('0', '9') < 0)
        {
            s += "_";
        }
        return s.Length == 0 || s == "root" ? "r" + s : s;
    }
}
