using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Engine.ChatTemplates;

/// <summary>
/// One line of a chat-case file (the format of <c>fixtures/tokenizers/*/chat_cases.jsonl</c>): an object with
/// <c>messages</c>, <c>add_generation_prompt</c> (default true), optional <c>continue_final_message</c> and
/// <c>extra</c> variables, rendered to
/// <c>{"rendered": ...}</c>, or <c>{"error": ...}</c> when the template fails, so one bad case never hides the rest.
/// </summary>
public static class ChatCaseLine
{
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Renders one JSON line; returns the compact JSON result line.</summary>
    public static string Render(ChatTemplateRenderer renderer, string jsonLine, string? template = null)
    {
        ArgumentNullException.ThrowIfNull(renderer);
        JsonObject result;
        try
        {
            var c = JsonNode.Parse(jsonLine) as JsonObject ?? throw new ChatTemplateException("A chat case must be a JSON object.");
            var messages = c["messages"] as JsonArray ?? throw new ChatTemplateException("A chat case needs a 'messages' array.");
            var addGenerationPrompt = c["add_generation_prompt"]?.GetValue<bool>() ?? true;
            var continueFinal = c["continue_final_message"]?.GetValue<bool>() ?? false;
            var rendered = renderer.Render(messages, addGenerationPrompt, c["extra"] as JsonObject, template, continueFinal);
            result = new JsonObject { ["rendered"] = rendered };
        }
        catch (Exception e) when (e is ChatTemplateException or JsonException or InvalidOperationException or FormatException)
        {
            result = new JsonObject { ["error"] = e.Message };
        }
        return result.ToJsonString(Compact);
    }
}
