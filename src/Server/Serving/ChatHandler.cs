using Server.Contracts;
using Server.Errors;
using Server.Generation;
using Server.Hosting;
using Server.Metrics;
using Server.Requests;
using Server.Tools;

namespace Server.Serving;

/// <summary><c>POST /v1/chat/completions</c>: render the template, validate, admit, generate (api.md §7, §8.3).</summary>
public sealed class ChatHandler(
    IModelHost host, ModelSelection models, GenerationAdmission admission, ServerMetrics metrics,
    ServerOptions options, TimeProvider time)
{
    public async Task HandleAsync(HttpContext http)
    {
        using var preamble = await RequestPreamble.ReadAsync(http, models, tokenizeOnly: false).ConfigureAwait(false);
        var model = preamble.Model;
        preamble.Validate(body => { WorkLimits.CheckGuidedSize(body, options); return 0; });
        var sampling = preamble.Validate(body => RequestValidation.ParseSampling(body, model, options));
        // tool_choice named/required constrains the output to tool-call JSON (api.md §7.6)
        var tools = preamble.Validate(body => ToolRequest.Parse(body, sampling, options.ToolCallParser));
        sampling = preamble.Validate(_ => tools.Constrain(sampling, RequestValidation.Limits(model, options)));
        var fields = preamble.Validate(body => GenerationFields.Parse(body, chat: true, sampling));
        var render = preamble.Validate(ChatFields.Parse);
        var text = ChatFields.Render(host, model, render);
        var promptIds = host.TokenizeChat(model.Id, render, text, fields.AddSpecialTokens);
        if (promptIds.Count == 0)
            throw new RequestValidationException("messages", "The rendered chat prompt has no tokens.");
        var (maxTokens, minTokens) = preamble.Validate(_ => fields.ResolveLengths(promptIds.Count, model.MaxModelLen, "messages"));
        if (maxTokens == 0)
            // echo's prompt-only answer is a completions feature (api.md §6.4); a chat reply needs a token
            throw new RequestValidationException("max_tokens", "max_tokens must be at least 1 for chat completions, got 0.");

        preamble.Validate(_ => { WorkLimits.CheckSequences(1, sampling, host, options); return 0; });
        await using var lease = (await admission.AdmitAsync(http, preamble.Caller, model.Id).ConfigureAwait(false)).ConfigureAwait(false);
        var id = ResponseIds.New("chatcmpl", fields.RequestId);
        var request = new GenerationRequest($"{id}-0", model.Id, promptIds, maxTokens, minTokens,
            fields.Multiplier, sampling, fields.Priority);
        metrics.For(model.Id).AddPromptTokens(promptIds.Count);

        // The reply role is the last message's when no generation prompt is added (aph/vllm); with echo or
        // continue_final_message and a matching last role, its content is prepended (api.md §7.3).
        var last = render.Messages[^1];
        var role = render.AddGenerationPrompt ? "assistant" : last.Role;
        var echo = (fields.Echo || render.ContinueFinalMessage) && last.Role == role ? last.Content ?? string.Empty : string.Empty;

        var writer = new ChatWriter(id, time.GetUtcNow().ToUnixTimeSeconds(), model.Id, role, echo, fields,
            promptIds.Count, new LogprobFormatter(host, model.Id, sampling.Detokenize), tools);
        var run = new GenerationRun(host, metrics, [request], fields.QueueTimeout);
        await run.StartAsync(http.RequestAborted).ConfigureAwait(false);
        // best_of > n and beam search cannot stream: one event with the whole response, then [DONE] (api.md §8.1)
        if (fields.Stream && !sampling.CanStream)
            await writer.WholeAsync(http, run, asEvent: true).ConfigureAwait(false);
        else if (fields.Stream)
            await writer.StreamAsync(http, run).ConfigureAwait(false);
        else
            await writer.WholeAsync(http, run).ConfigureAwait(false);
    }
}
