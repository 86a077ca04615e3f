using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Engine.Output;
using Engine.Sampling;

namespace Engine.Generation;

public sealed partial class LlmEngine
{
    /// <summary>
    /// Generates the choices of <paramref name="request"/> as text. best_of sequences share the prompt, each with
    /// its own sampler and RNG identity (§8.2: <c>(seed, i)</c>, <c>(seeds[i], 0)</c>, or a drawn server seed). With
    /// best_of = n, outputs of different choices stream interleaved; with best_of &gt; n, every sequence runs to its
    /// end and the n with the highest cumulative log-probability come back whole, best first (ties by choice, §8.4).
    /// A stop-string hit aborts that sequence and frees its blocks; cancelling (or leaving the loop) aborts all.
    /// Throws <see cref="PromptTooLongException"/> before anything runs. With <c>use_beam_search</c>, the n best
    /// beams come back whole, best first (see <see cref="BeamSearchAsync"/>).
    /// </summary>
    public async IAsyncEnumerable<RequestOutput> GenerateAsync(EngineRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var p = request.Sampling;
        if (p.UseBeamSearch)
        {
            await foreach (var output in BeamSearchAsync(request, cancellationToken).ConfigureAwait(false))
            {
                yield return output;
            }
            yield break;
        }
        var loraId = request.Lora is { } lora ? LoraIdOf(lora) : -1;
        var serverSeed = p.Seed ?? SamplingParams.DrawServerSeed();
        var count = Math.Max(p.BestOf, p.N);
        var streaming = count == p.N;
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var merged = Channel.CreateUnbounded<RequestOutput>(new UnboundedChannelOptions { SingleReader = true });
        var choices = new (ChannelReader<GenerationOutput> Reader, CancellationTokenSource Stop, OutputProcessor Processor)[count];
        try
        {
            for (var i = 0; i < count; i++)
            {
                var (seed, choice) = p.RngIdentity(i, serverSeed);
                var stop = CancellationTokenSource.CreateLinkedTokenSource(abort.Token);
                choices[i] = (default!, stop, default!);
                var sequence = new GenerationRequest(request.PromptTokenIds, request.MaxTokens) { Sampling = p, Seed = seed, Choice = choice, LoraId = loraId, LoraMultiplier = request.Multiplier };
                var reader = Submit(sequence, stop.Token);
                var conditions = new StopConditions(p, Config.EosTokenIds, request.MaxTokens, Config.MaxContext + 1);
                // the echoed seed replays this choice alone: (ReplaySeed(seed, choice), 0) is the stream (seed, choice)
                choices[i] = (reader, stop, new OutputProcessor(i, SamplingRandom.ReplaySeed(seed, choice), p, Tokenizer, conditions, request.PromptTokenIds));
            }
        }
        catch
        {
            await abort.CancelAsync().ConfigureAwait(false);
            DisposeAll(choices);
            throw;
        }

        var remaining = count;
        var pumps = new Task[count];
        for (var i = 0; i < count; i++)
        {
            pumps[i] = PumpAsync(choices[i].Reader, choices[i].Stop, choices[i].Processor, streaming ? merged.Writer : null, abort.Token, () =>
            {
                if (Interlocked.Decrement(ref remaining) == 0)
                {
                    merged.Writer.TryComplete();
                }
            }, merged.Writer);
        }
        try
        {
            await foreach (var output in merged.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return output;
            }
            if (!streaming)
            {
                var ranked = choices.Select(c => c.Processor)
                    .OrderByDescending(c => c.CumulativeLogprob).ThenBy(c => c.Choice).Take(p.N).ToArray();
                for (var rank = 0; rank < ranked.Length; rank++)
                {
                    yield return ranked[rank].Whole(rank);
                }
            }
        }
        finally
        {
            // an early exit (the consumer left, or a failure) leaves sequences running: abort them
            if (!merged.Reader.Completion.IsCompleted)
            {
                await abort.CancelAsync().ConfigureAwait(false);
            }
            try
            {
                await Task.WhenAll(pumps).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            DisposeAll(choices);
        }
    }

    // Reads one sequence's tokens through its output processor; a stop-string hit cancels (aborts) the sequence.
    private static async Task PumpAsync(ChannelReader<GenerationOutput> reader, CancellationTokenSource stop, OutputProcessor processor,
        ChannelWriter<RequestOutput>? writer, CancellationToken aborted, Action done, ChannelWriter<RequestOutput> failures)
    {
        try
        {
            await foreach (var output in reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                var delta = processor.Process(output);
                if (writer is not null)
                {
                    await writer.WriteAsync(delta, aborted).ConfigureAwait(false);
                }
                if (processor.StoppedByString)
                {
                    await stop.CancelAsync().ConfigureAwait(false);
                    break;
                }
            }
            if (processor.FinishReason is null && !aborted.IsCancellationRequested)
            {
                var delta = processor.Abort();
                if (writer is not null)
                {
                    await writer.WriteAsync(delta, aborted).ConfigureAwait(false);
                }
            }
            done();
        }
        catch (Exception e) when (e is not OperationCanceledException || !aborted.IsCancellationRequested)
        {
            failures.TryComplete(e);
        }
    }

    private static void DisposeAll((ChannelReader<GenerationOutput> Reader, CancellationTokenSource Stop, OutputProcessor Processor)[] choices)
    {
        foreach (var choice in choices)
        {
            choice.Stop?.Dispose();
        }
    }
}
