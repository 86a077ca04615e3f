using ILGPU;
using ILGPU.Algorithms;

namespace Engine.Backends.Cuda.Sampling.Penalties;

/// <summary>
/// The device state of every sequence slot, passed to the penalty kernels as one argument (launchers take at most
/// six). Shapes are (slots, width), row-major; <c>W</c> = ⌈V / 32⌉ words of one bit per token, bit i of a row in
/// word i / 32, bit i % 32 (the little-endian view of <c>GuidedSequence</c>'s ulong words).
/// </summary>
/// <param name="Vocab">V, the logit row width.</param>
/// <param name="Words">W = ⌈V / 32⌉.</param>
/// <param name="HistoryCapacity">H, tokens of prompt + output each slot's history holds.</param>
/// <param name="BiasCapacity">logit_bias entries per slot.</param>
/// <param name="BadWordCapacity">ints per slot of the bad-word list (word starts, then tokens).</param>
/// <param name="BreakerCapacity">DRY breaker ids per slot.</param>
/// <param name="DryTableLength">DRY penalties per slot, for exponents j = m − dry_allowed_length in [0, DryTableLength).</param>
/// <param name="Slots">(slots) the request parameters.</param>
/// <param name="Lengths">(slots, 2): prompt length, output length (the output one counted on the device by Append).</param>
/// <param name="History">(slots, H): prompt then output token ids, as given (ids ≥ V kept, never counted).</param>
/// <param name="PromptBits">(slots, W): token occurs in the prompt (repetition_penalty's prompt half).</param>
/// <param name="OutputCounts">(slots, V): count_out(i), saturating at 65535.</param>
/// <param name="AllowBits">(slots, W): allowed_token_ids (read only when HasAllowed).</param>
/// <param name="BanBits">(slots, W): custom_token_bans ∪ one-token bad words, removed every step.</param>
/// <param name="StopBits">(slots, W): the stop set, removed while output &lt; min_tokens.</param>
/// <param name="BiasIds">(slots, BiasCapacity) logit_bias ids (distinct).</param>
/// <param name="BiasValues">(slots, BiasCapacity) their clamped biases.</param>
/// <param name="BadWords">(slots, BadWordCapacity): BadWordCount + 1 offsets into the same row, then the words' tokens.</param>
/// <param name="Breakers">(slots, BreakerCapacity): DRY breaker ids, sorted ascending, distinct.</param>
/// <param name="DryPenalties">(slots, DryTableLength): multiplier · base^j in the CPU's double arithmetic, rounded to float.</param>
/// <param name="DryMatch">(slots, V): DRY's m(t) scratch, all-zero between launches.</param>
public readonly record struct PenaltyTables(
    int Vocab,
    int Words,
    int HistoryCapacity,
    int BiasCapacity,
    int BadWordCapacity,
    int BreakerCapacity,
    int DryTableLength,
    ArrayView<PenaltySlot> Slots,
    ArrayView<int> Lengths,
    ArrayView<int> History,
    ArrayView<uint> PromptBits,
    ArrayView<ushort> OutputCounts,
    ArrayView<uint> AllowBits,
    ArrayView<uint> BanBits,
    ArrayView<uint> StopBits,
    ArrayView<int> BiasIds,
    ArrayView<float> BiasValues,
    ArrayView<int> BadWords,
    ArrayView<int> Breakers,
    ArrayView<float> DryPenalties,
    ArrayView<int> DryMatch)
{
    /// <summary>Bit <paramref name="token"/> of the bit row starting at word <paramref name="rowStart"/>.</summary>
    public static bool Bit(ArrayView<uint> bits, int rowStart, int token) =>
        ((bits[rowStart + (token >> 5)] >> (token & 31)) & 1u) != 0;

    /// <summary>NaN → −∞, +∞ → float.MaxValue (LogitConstraints.Saturate, one element).</summary>
    public static float Saturate(float l) => XMath.IsNaN(l) ? float.NegativeInfinity : (l > float.MaxValue ? float.MaxValue : l);
}
