using Engine.Sampling;

namespace Engine.Backends;

/// <summary>
/// The sampler chain run where the logits are (a backend that offers one through <see cref="IDeviceSamplingBackend"/>),
/// so a step sends back token ids and the logprobs asked for instead of (rows × vocabulary) logits. Equal to
/// <see cref="SequenceSampler"/> stage for stage (within the float tolerance the backend states); the same seed draws
/// the same token. A sequence holds a slot from its first sampled token to its end: the slot keeps its prompt and
/// output on the device (penalty counts and histories, updated per step, never re-scanned).
/// Per step: <see cref="BeginStep"/>, <see cref="GuidedMask"/> for guided rows, <see cref="Sample"/>, then
/// <see cref="TopLogprobs"/> per row that asked. Steps sampled on the host instead hand their tokens to
/// <see cref="AppendHostTokens"/>, so a slot's history never misses one.
/// </summary>
public interface IDeviceSampler : IDisposable
{
    /// <summary>Sequence slots, and the most rows one step samples.</summary>
    int Slots { get; }

    /// <summary>Most top logprobs a row may ask for.</summary>
    int MaxTopLogprobs { get; }

    /// <summary>
    /// Puts a sequence into <paramref name="slot"/> before its first token: its chain's parameters and sets, its RNG
    /// identity, how many top logprobs it asks for, and its prompt. Throws <see cref="NotSupportedException"/> or <see cref="ArgumentException"/> naming the field when the
    /// device cannot sample it (then the host does, for the sequence's whole life).
    /// </summary>
    void BeginSequence(int slot, ReadOnlySpan<int> prompt, SequenceSampler sampler, int topLogprobs);

    /// <summary>Starts a step: row r belongs to <paramref name="slotOfRow"/>[r] (distinct slots that began a sequence).</summary>
    void BeginStep(ReadOnlySpan<int> slotOfRow);

    /// <summary>Row <paramref name="row"/>'s guided-decoding mask of this step, to fill: bit i of word i / 32 = token i allowed.</summary>
    Span<uint> GuidedMask(int row);

    /// <summary>
    /// Samples the step's rows: row r of <paramref name="logits"/> (overwritten) with <paramref name="rows"/>[r], the
    /// token, its logprob and Mirostat's next μ into <paramref name="results"/>[r]; appends each token to its slot.
    /// </summary>
    void Sample(IDeviceBuffer logits, ReadOnlySpan<DeviceSampleRow> rows, Span<DeviceSample> results);

    /// <summary>Row <paramref name="row"/>'s top logprobs of the last <see cref="Sample"/>, best first; returns how many.</summary>
    int TopLogprobs(int row, Span<TokenLogprob> destination);

    /// <summary>A step sampled on the host: appends <paramref name="tokens"/>[i] to slot <paramref name="slots"/>[i] (negative: none).</summary>
    void AppendHostTokens(ReadOnlySpan<int> slots, ReadOnlySpan<int> tokens);
}

/// <summary>Creates the backend's <see cref="IDeviceSampler"/>.</summary>
public interface IDeviceSamplingBackend
{
    /// <param name="slots">Concurrent sequences (the largest batch).</param>
    /// <param name="vocab">Logit row width.</param>
    /// <param name="historyCapacity">Prompt + output tokens of one sequence (the model's context).</param>
    IDeviceSampler CreateSampler(int slots, int vocab, int historyCapacity);
}

/// <summary>
/// One row of a device step: what changes per step of its sequence (step = tokens generated so far, Mirostat's μ); the
/// parameters, RNG identity and top-logprob count were given once, to <see cref="IDeviceSampler.BeginSequence"/>.
/// </summary>
public readonly record struct DeviceSampleRow(int Step, float MirostatMu);

/// <summary>A row's result: the token (<see cref="SequenceSampler.NoToken"/> when every token was removed), its logprob, Mirostat's μ after the step.</summary>
public readonly record struct DeviceSample(int Token, float Logprob, float MirostatMu);
