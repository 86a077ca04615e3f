using Engine.Sampling;

namespace Engine.Tests.Backends.Cuda.Sampling.Penalties;

/// <summary>
/// One sequence of a device-penalty check: its request, prompt, the output generated so far (appended to the
/// device one step at a time), the model's logit row, and optionally a guided mask (bit i = token i allowed).
/// </summary>
internal sealed record PenaltyCase(SamplingParams Params, int[] Prompt, int[] Output, float[] Logits)
{
    public int[] Eos { get; init; } = [];

    public int? TokenizerVocabSize { get; init; }

    public uint[]? Guided { get; init; }

    public override string ToString() =>
        $"V={Logits.Length} prompt=[{string.Join(',', Prompt)}] output=[{string.Join(',', Output)}] eos=[{string.Join(',', Eos)}] tv={TokenizerVocabSize} guided={Guided is not null} " +
        $"rep={Params.RepetitionPenalty} freq={Params.FrequencyPenalty} pres={Params.PresencePenalty} ngram={Params.NoRepeatNgramSize} " +
        $"dry=({Params.DryMultiplier},{Params.DryBase},{Params.DryAllowedLength},{Params.DryRange},{Params.DryMaxNgram},{Params.DryMaxOccurrences},{Params.DryEarlyExitMatchLen},[{string.Join(',', Params.DrySequenceBreakerIds)}]) " +
        $"bias={Params.LogitBias.Count} bans=[{string.Join(',', Params.CustomTokenBans)}] allowed={Params.AllowedTokenIds?.Count} min={Params.MinTokens} stop=[{string.Join(',', Params.StopTokenIds)}] " +
        $"badwords=[{string.Join(' ', Params.BadWordTokens.Select(w => string.Join(',', w)))}] order=[{string.Join(',', Params.Order)}]";
}
