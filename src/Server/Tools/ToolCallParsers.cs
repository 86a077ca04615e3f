namespace Server.Tools;

/// <summary>The tool-call parsers <c>--tool-call-parser</c> accepts, by name.</summary>
public static class ToolCallParsers
{
    private static readonly IToolCallParser[] All = [HermesToolParser.Instance, Llama3JsonToolParser.Instance, MistralToolParser.Instance];

    /// <summary>Every accepted name, in the order the CLI lists them.</summary>
    public static IReadOnlyList<string> Names { get; } = Array.ConvertAll(All, p => p.Name);

    /// <summary>The parser called <paramref name="name"/>; null for null.</summary>
    /// <exception cref="ArgumentException">The name is not one of <see cref="Names"/>.</exception>
    public static IToolCallParser? Of(string? name)
    {
        if (name is null) return null;
        foreach (var parser in All)
            if (parser.Name == name) return parser;
        throw new ArgumentException($"Unknown tool-call parser '{name}'; expected one of: {string.Join(", ", Names)}.", nameof(name));
    }
}
