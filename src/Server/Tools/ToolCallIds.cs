namespace Server.Tools;

/// <summary>Tool-call ids: <c>chatcmpl-tool-&lt;32 hex&gt;</c> (vLLM's random id form).</summary>
public static class ToolCallIds
{
    public static string New() => $"chatcmpl-tool-{Guid.NewGuid():N}";
}
