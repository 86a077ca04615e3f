using System.Text.Json.Nodes;
using Engine.ChatTemplates.Runtime;

namespace Engine.ChatTemplates;

/// <summary>
/// Renders a conversation with a tokenizer's chat template as transformers' <c>apply_chat_template</c> does:
/// variables <c>messages</c>, <c>add_generation_prompt</c>, <c>tools</c> = None, <c>documents</c> = None, the
/// special tokens that are set (unset ones stay undefined), then <c>extra</c> on top (it wins).
/// </summary>
public sealed class ChatTemplateRenderer(ChatTemplateConfig config, ChatTemplateLimits? limits = null, TimeProvider? clock = null)
{
    public ChatTemplateConfig Config { get; } = config;

    /// <summary>Loads the tokenizer folder's <c>tokenizer_config.json</c> (and <c>chat_template.jinja</c>).</summary>
    public static ChatTemplateRenderer FromDirectory(string directory, ChatTemplateLimits? limits = null, TimeProvider? clock = null) =>
        new(ChatTemplateConfig.Load(directory), limits, clock);

    /// <summary>
    /// The template variables for one render. <paramref name="extra"/> (e.g. <c>enable_thinking</c>,
    /// <c>tools</c>, <c>date_string</c>, a request's <c>chat_template_kwargs</c>) overrides the defaults.
    /// </summary>
    public JsonObject BuildVariables(JsonArray messages, bool addGenerationPrompt, JsonObject? extra = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var variables = new JsonObject
        {
            ["messages"] = messages.DeepClone(),
            ["add_generation_prompt"] = addGenerationPrompt,
            ["tools"] = null,
            ["documents"] = null,
        };
        foreach (var (name, value) in Config.SpecialTokens)
        {
            variables[name] = value.DeepClone();
        }
        if (extra is not null)
        {
            foreach (var (name, value) in extra)
            {
                variables[name] = value?.DeepClone();
            }
        }
        return variables;
    }

    /// <summary>
    /// Renders the prompt. <paramref name="template"/> is a template name or a full template source (a request's
    /// <c>chat_template</c>); null picks <c>tool_use</c> when <c>extra["tools"]</c> is set and that template exists,
    /// else <c>default</c>. With <paramref name="continueFinalMessage"/> the output is cut right after the last
    /// occurrence of the final message's (stripped) text, as transformers does, so the model continues that
    /// message instead of starting a new turn. Throws <see cref="ChatTemplateException"/> on template errors,
    /// <c>raise_exception</c>, or a final message that cannot be continued.
    /// </summary>
    public string Render(JsonArray messages, bool addGenerationPrompt, JsonObject? extra = null, string? template = null, bool continueFinalMessage = false)
    {
        if (continueFinalMessage && addGenerationPrompt)
        {
            throw new ChatTemplateException("continue_final_message and add_generation_prompt are not compatible.");
        }
        // Straight to template values: BuildVariables' JsonObject would only add a deep clone per render.
        var variables = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["messages"] = JsonValues.FromNode(messages),
            ["add_generation_prompt"] = addGenerationPrompt,
            ["tools"] = null,
            ["documents"] = null,
        };
        foreach (var (name, value) in Config.SpecialTokens)
        {
            variables[name] = JsonValues.FromNode(value);
        }
        foreach (var (name, value) in extra ?? [])
        {
            variables[name] = JsonValues.FromNode(value);
        }
        var source = Config.SelectTemplate(template, hasTools: variables["tools"] is not null);
        var rendered = ChatTemplate.Parse(source).RenderValues(variables, limits, clock);
        return continueFinalMessage ? CutAfterFinalMessage(rendered, messages) : rendered;
    }

    // transformers' continue_final_message: the final message's text (the last text part of a list content),
    // stripped, must appear in the output; everything after its last occurrence (end-of-turn tokens) is dropped.
    private static string CutAfterFinalMessage(string rendered, JsonArray messages)
    {
        var content = messages.Count > 0 ? messages[^1]?["content"] : null;
        var text = content switch
        {
            JsonArray parts => parts.Reverse().Select(p => p?["text"]).FirstOrDefault(t => t is not null)?.GetValue<string>()
                ?? throw new ChatTemplateException("continue_final_message is set but we could not find any text to continue in the final message!"),
            JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => v.GetValue<string>(),
            _ => throw new ChatTemplateException("continue_final_message is set but the final message has no text content."),
        };
        var stripped = Runtime.PyText.Strip(text);
        var at = rendered.LastIndexOf(stripped, StringComparison.Ordinal);
        if (at < 0)
        {
            throw new ChatTemplateException("continue_final_message is set but the final message does not appear in the chat after applying the chat template!");
        }
        return rendered[..(at + stripped.Length)];
    }
}
