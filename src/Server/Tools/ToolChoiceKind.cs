namespace Server.Tools;

/// <summary>The four forms of <c>tool_choice</c> (api.md §7.6).</summary>
public enum ToolChoiceKind
{
    /// <summary>Plain generation; tools only reach the template.</summary>
    None,

    /// <summary>The model decides; tool-call blocks are parsed out of the text by the configured parser.</summary>
    Auto,

    /// <summary>At least one call, output constrained to a JSON array of <c>{name, parameters}</c>.</summary>
    Required,

    /// <summary>One call of a named function, output constrained to its <c>parameters</c> schema.</summary>
    Named,
}
