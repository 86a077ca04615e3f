using Server.Contracts;
using Server.Generation;
using Server.Hosting;
using Server.Metrics;
using Server.Requests;
using Server.Streaming;

namespace Server.Serving;

/// <summary><c>POST /v1/completions</c>: validate, admit, generate every prompt × n, answer whole or as SSE (api.md §6, §8.2).</summary>
public sealed class CompletionHandler(
    IModelHost host, ModelSelection models, GenerationAdmission admission, ServerMetrics metrics,
    ServerOptions options, TimeProvider time)
{
    public async Task HandleAsync(HttpContext http)
    {
        using var preamble = await RequestPreamble.ReadAsync(http, models, tokenizeOnly: false).ConfigureAwait(false);
        var model = preamble.Model;
        preamble.Validate(body => { WorkLimits.CheckPromptCount(body, options); WorkLimits.CheckGuidedSize(body, options); return 0; });
        var sampling = preamble.Validate(body => RequestValidation.ParseSampling(body, model, options));
        var fields = preamble.Validate(body => GenerationFields.Parse(body, chat: false, sampling));
        var prompts = preamble.Validate(body => CompletionPrompts.Parse(body, host, model, fields));
        var lengths = new (int Max, int Min)[prompts.Count];
        for (var p = 0; p < prompts.Count; p++)
            lengths[p] = preamble.Validate(_ => fields.ResolveLengths(prompts[p].TokenIds.Count, model.MaxModelLen, "prompt"));

        preamble.Validate(_ => { WorkLimits.CheckSequences(prompts.Count, sampling, host, options); return 0; });
        await using var lease = (await admission.AdmitAsync(http, preamble.Caller, model.Id).ConfigureAwait(false)).ConfigureAwait(false);
        var id = ResponseIds.New("cmpl", fields.RequestId);
        var created = time.GetUtcNow().ToUnixTimeSeconds();
        // echo with logprobs prepends the prompt's logprobs: prompt_logprobs computed with k = logprobs (api.md §6.4)
        var echoLogprobs = fields.Echo && fields.Logprobs is not null;
        var engineSampling = echoLogprobs ? sampling with { PromptLogprobs = Math.Max(sampling.PromptLogprobs ?? 0, fields.Logprobs!.Value) } : sampling;
        // max_tokens = 0 with echo returns the prompt only: nothing is generated, unless its logprobs are wanted, which
        // takes one forward pass (one hidden token, neither returned nor counted)
        var promptOnly = lengths.Max(l => l.Max) == 0;
        var requests = new GenerationRequest[prompts.Count];
        var promptTokens = 0;
        for (var p = 0; p < prompts.Count; p++)
        {
            requests[p] = new GenerationRequest($"{id}-{p}", model.Id, prompts[p].TokenIds, promptOnly ? 1 : lengths[p].Max, lengths[p].Min,
                fields.Multiplier, engineSampling, fields.Priority);
            promptTokens += prompts[p].TokenIds.Count;
        }
        metrics.For(model.Id).AddPromptTokens(promptTokens);
        // max_tokens = 0 with echo returns the prompt only, generating nothing (api.md §6.4), unless echoed logprobs
        // need the prompt's rows computed.
        var run = new GenerationRun(host, metrics, promptOnly && !echoLogprobs ? [] : requests, fields.QueueTimeout);
        await run.StartAsync(http.RequestAborted).ConfigureAwait(false);
        var logprobs = new LogprobFormatter(host, model.Id, sampling.Detokenize);
        var writer = new CompletionWriter(id, created, model.Id, prompts, fields, logprobs, promptOnly);
        // best_of > n and beam search cannot stream: one event with the whole response, then [DONE] (api.md §8.1)
        if (fields.Stream && !sampling.CanStream)
            await writer.WholeAsync(http, run, promptTokens, asEvent: true).ConfigureAwait(false);
        else if (fields.Stream)
            await writer.StreamAsync(http, run, promptTokens).ConfigureAwait(false);
        else
            await writer.WholeAsync(http, run, promptTokens).ConfigureAwait(false);
    }
}
