using System.Text.Json;
using Server.Errors;
using Server.Generation;

namespace Server.Requests;

/// <summary>The chat-template fields of a chat or chat-form tokenize request (api.md §7.1, §9.1).</summary>
public static class ChatFields
{
    /// <summary>Parses messages and template flags into what the template renders.</summary>
    public static ChatRenderRequest Parse(JsonElement body)
    {
        var messages = ChatMessages.Parse(body);
        var addGenerationPrompt = JsonFields.Bool(body, "add_generation_prompt") ?? true;
        var continueFinal = JsonFields.Bool(body, "continue_final_message") ?? false;
        if (addGenerationPrompt && continueFinal)
            throw new RequestValidationException("continue_final_message",
                "continue_final_message and add_generation_prompt cannot both be true.");
        return new ChatRenderRequest(
            messages, addGenerationPrompt, continueFinal, JsonFields.String(body, "chat_template"),
            JsonFields.Object(body, "chat_template_kwargs"), JsonFields.Array(body, "tools"), JsonFields.Array(body, "documents"));
    }

    /// <summary>Renders the template; a missing or failing template is the client's 400.</summary>
    public static string Render(IModelHost host, ServedModel model, ChatRenderRequest request)
    {
        if (request.Template is null && !model.HasChatTemplate)
            throw new RequestValidationException("chat_template",
                $"Model `{model.Id}` has no chat template (its tokenizer_config.json defines none) and the request did not send chat_template. " +
                "Send chat_template (a Jinja template) with the request, start the server with --chat-template FILE, or use /v1/completions with a prompt.");
        try
        {
            return host.RenderChat(model.Id, request);
        }
        catch (ChatRenderException e)
        {
            throw new RequestValidationException(request.Template is null ? "messages" : "chat_template", $"Chat template error: {e.Message}");
        }
    }
}
