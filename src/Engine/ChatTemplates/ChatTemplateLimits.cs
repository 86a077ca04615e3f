namespace Engine.ChatTemplates;

/// <summary>
/// Sandbox budgets for one render. The defaults are far above what any shipped chat template needs for a
/// context-length conversation, and low enough that a hostile per-request template cannot hang or exhaust a server.
/// </summary>
public sealed record ChatTemplateLimits
{
    public static ChatTemplateLimits Default { get; } = new();

    /// <summary>Total for-loop iterations across the whole render.</summary>
    public long MaxLoopIterations { get; init; } = 1_000_000;

    /// <summary>Maximum characters of output, and of any single string or list built while rendering.</summary>
    public long MaxOutputChars { get; init; } = 32 * 1024 * 1024;

    /// <summary>Maximum nesting of macro calls (recursion).</summary>
    public int MaxCallDepth { get; init; } = 200;
}
