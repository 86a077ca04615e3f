using Engine.Backends;
using Engine.Sampling;
using Engine.Scheduling;

namespace Engine.Execution;

/// <summary>
/// The model runner's side of sampling on the backend (<see cref="IDeviceSampler"/>): which sequence holds which
/// slot, and whether a window of logit rows can be sampled where the logits are. A sequence takes a slot before its
/// first token (its prompt goes to the device once) and gives it back when it finishes; one the device cannot sample
/// (a refused parameter, more top logprobs than the device gathers, no free slot at its first token) is sampled on
/// the host for its whole life. A window goes to the device when every row in it samples a sequence with a slot;
/// a window with prompt-logprob rows or beams goes to the host, and its tokens are still appended to the slots, so a
/// history on the device never misses a token.
/// </summary>
public sealed class DeviceStepSampler
{
    private readonly IDeviceSampler _sampler;
    private readonly Request?[] _slotRequest;
    private readonly int[] _slotOfRow;
    private readonly int[] _requestOfRow;
    private readonly DeviceSampleRow[] _rows;
    private readonly DeviceSample[] _results;
    private readonly int[] _hostSlots;
    private readonly int[] _hostTokens;

    /// <param name="sampler">The backend's sampler (the backend owns and disposes it).</param>
    public DeviceStepSampler(IDeviceSampler sampler)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        _sampler = sampler;
        var slots = sampler.Slots;
        _slotRequest = new Request?[slots];
        _slotOfRow = new int[slots];
        _requestOfRow = new int[slots];
        _rows = new DeviceSampleRow[slots];
        _results = new DeviceSample[slots];
        _hostSlots = new int[slots];
        _hostTokens = new int[slots];
    }

    /// <summary>Rows the last step sampled on the device (for tests and the step log).</summary>
    public int LastDeviceRows { get; private set; }

    /// <summary>Rows sampled on the device since this sampler was made.</summary>
    public long DeviceRows { get; private set; }

    /// <summary>
    /// Whether the window of logit rows [<paramref name="first"/>, first + <paramref name="count"/>) can be sampled on
    /// the device: no prompt-logprob rows (<paramref name="promptRows"/>), and every row samples a sequence that holds
    /// a slot (taken here for sequences at their first token). False leaves it to the host.
    /// </summary>
    public bool Plan(IReadOnlyList<ScheduledRequest> scheduled, ReadOnlySpan<int> logitRowOf, bool promptRows, int first, int count)
    {
        ArgumentNullException.ThrowIfNull(scheduled);
        LastDeviceRows = 0;
        ReleaseFinished();
        // Every sequence at its first token takes its slot here, even in a window the host samples: the host's token
        // is then appended to it, and the device samples the sequence from its next window on.
        var device = !promptRows && count <= _slotOfRow.Length;
        var rows = 0;
        for (var i = 0; i < scheduled.Count; i++)
        {
            var row = logitRowOf[i] - first;
            if (logitRowOf[i] < 0 || (uint)row >= (uint)count)
            {
                continue;
            }
            var request = scheduled[i].Request;
            if (request.BeamGroup is not null || !HasSlot(request))
            {
                device = false;
                continue;
            }
            if (device)
            {
                _slotOfRow[row] = request.DeviceSlot;
                _requestOfRow[row] = i;
                rows++;
            }
        }
        return device && rows == count;
    }

    /// <summary>
    /// Samples the planned window from <paramref name="logits"/> (its first <paramref name="count"/> rows) and sets
    /// each row's entry of <paramref name="output"/>, its top logprobs and Mirostat's μ. A device failure fails the
    /// window's requests (each with the error); the other requests of the step keep their tokens.
    /// </summary>
    public void Sample(IReadOnlyList<ScheduledRequest> scheduled, IDeviceBuffer logits, int count, ModelRunnerOutput output)
    {
        ArgumentNullException.ThrowIfNull(scheduled);
        ArgumentNullException.ThrowIfNull(output);
        try
        {
            _sampler.BeginStep(_slotOfRow.AsSpan(0, count));
            for (var r = 0; r < count; r++)
            {
                var request = scheduled[_requestOfRow[r]].Request;
                var sampler = request.Sampler;
                if (sampler.IsGuided)
                {
                    sampler.FillGuidedMask(request.OutputTokenIds, _sampler.GuidedMask(r));
                }
                _rows[r] = new DeviceSampleRow(request.NumOutputTokens, sampler.MirostatMu);
            }
            _sampler.Sample(logits, _rows.AsSpan(0, count), _results);
            for (var r = 0; r < count; r++)
            {
                var i = _requestOfRow[r];
                var request = scheduled[i].Request;
                var result = _results[r];
                request.Sampler.AcceptMirostatMu(result.MirostatMu);
                request.TopCount = request.TopLogprobs.Length > 0 ? _sampler.TopLogprobs(r, request.TopLogprobs) : 0;
                output.Set(i, result.Token == SequenceSampler.NoToken ? ModelRunnerOutput.NoTokenLeft : result.Token, result.Logprob);
            }
            LastDeviceRows = count;
            DeviceRows += count;
        }
#pragma warning disable CA1031 // the window's requests fail with the device's error; the engine and the other requests go on
        catch (Exception e)
#pragma warning restore CA1031
        {
            for (var r = 0; r < count; r++)
            {
                output.Fail(_requestOfRow[r], e);
            }
        }
    }

    /// <summary>After a window sampled on the host: appends its tokens to the slots of the sequences that hold one.</summary>
    public void AppendHostTokens(IReadOnlyList<ScheduledRequest> scheduled, ReadOnlySpan<int> logitRowOf, int first, int count, ModelRunnerOutput output)
    {
        ArgumentNullException.ThrowIfNull(scheduled);
        ArgumentNullException.ThrowIfNull(output);
        var n = 0;
        for (var i = 0; i < scheduled.Count; i++)
        {
            var row = logitRowOf[i] - first;
            var request = scheduled[i].Request;
            if (logitRowOf[i] < 0 || (uint)row >= (uint)count || request.DeviceSlot < 0)
            {
                continue;
            }
            var token = output.SampledTokenIds[i];
            _hostSlots[n] = request.DeviceSlot;
            _hostTokens[n] = token >= 0 ? token : -1;
            n++;
        }
        if (n > 0)
        {
            _sampler.AppendHostTokens(_hostSlots.AsSpan(0, n), _hostTokens.AsSpan(0, n));
        }
    }

    // A sequence at its first token takes a free slot; one that has none by then stays on the host.
    private bool HasSlot(Request request)
    {
        if (request.DeviceSlot >= 0)
        {
            return true;
        }
        if (request.SampledOnHost || request.NumOutputTokens > 0)
        {
            request.SampledOnHost = true;
            return false;
        }
        var slot = Array.IndexOf(_slotRequest, null);
        if (slot < 0)
        {
            request.SampledOnHost = true;
            return false;
        }
        try
        {
            _sampler.BeginSequence(slot, request.PromptTokenIds, request.Sampler, request.TopLogprobs.Length);
        }
        catch (Exception e) when (e is NotSupportedException or ArgumentException)
        {
            request.SampledOnHost = true; // the device refused one of its parameters: the host samples it exactly
            return false;
        }
        _slotRequest[slot] = request;
        request.DeviceSlot = slot;
        return true;
    }

    private void ReleaseFinished()
    {
        for (var s = 0; s < _slotRequest.Length; s++)
        {
            if (_slotRequest[s] is { Status: RequestStatus.Finished } done)
            {
                done.DeviceSlot = -1;
                _slotRequest[s] = null;
            }
        }
    }
}
