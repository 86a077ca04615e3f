using System.Text.Json;

namespace Server.Generation;

/// <summary>What a chat template is rendered with (api.md §7.1–7.2).</summary>
/// <param name="Template">Per-request Jinja source, or null for the model's own template.</param>
/// <param name="TemplateKwargs">Extra template variables (a JSON object), or null.</param>
/// <param name="Tools">The request's <c>tools</c> array, or null.</param>
/// <param name="Documents">The request's <c>documents</c> array, or null.</param>
public sealed record ChatRenderRequest(
    IReadOnlyList<ChatMessage> Messages, bool AddGenerationPrompt, bool ContinueFinalMessage,
    string? Template, JsonElement? TemplateKwargs, JsonElement? Tools, JsonElement? Documents);
