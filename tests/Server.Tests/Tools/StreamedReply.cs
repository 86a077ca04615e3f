using System.Text.Json;

namespace Server.Tests.Tools;

/// <summary>
/// One choice of a chat SSE stream put back together: content, tool calls from their <c>delta.tool_calls</c>
/// pieces, and the finish reason. Checks the piece order on the way: a call opens with id, type and name at the
/// next free index, and argument text only extends a call already opened.
/// </summary>
public sealed record StreamedReply(string Content, IReadOnlyList<string> Names, IReadOnlyList<string> Arguments, string? FinishReason)
{
    public static StreamedReply Of(IReadOnlyList<string> events)
    {
        Assert.Equal("[DONE]", events[^1]);
        var content = "";
        var names = new List<string>();
        var arguments = new List<string>();
        string? finish = null;
        foreach (var data in events.Take(events.Count - 1))
        {
            using var doc = JsonDocument.Parse(data);
            var choice = doc.RootElement.GetProperty("choices")[0];
            var delta = choice.GetProperty("delta");
            if (delta.TryGetProperty("content", out var c)) content += c.GetString();
            if (choice.GetProperty("finish_reason").ValueKind == JsonValueKind.String) finish = choice.GetProperty("finish_reason").GetString();
            if (!delta.TryGetProperty("tool_calls", out var pieces)) continue;
            foreach (var piece in pieces.EnumerateArray())
            {
                var index = piece.GetProperty("index").GetInt32();
                var function = piece.GetProperty("function");
                if (piece.TryGetProperty("id", out var id))
                {
                    Assert.Equal(names.Count, index);
                    Assert.Matches("^chatcmpl-tool-[0-9a-f]{32}$", id.GetString());
                    Assert.Equal("function", piece.GetProperty("type").GetString());
                    names.Add(function.GetProperty("name").GetString()!);
                    arguments.Add(string.Empty);
                }
                if (function.TryGetProperty("arguments", out var text)) arguments[index] += text.GetString();
            }
        }
        return new StreamedReply(content, names, arguments, finish);
    }
}
