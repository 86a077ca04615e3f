using System.Text.Json;
using Engine.Sampling;
using Server.Errors;
using Server.Generation;
using Server.Hosting;

namespace Server.Requests;

/// <summary>Validation of the sampling and stop fields of a generation request (samplers.md §13).</summary>
public static class RequestValidation
{
    /// <summary>
    /// Parses every sampling field of <paramref name="body"/> (the override-merged body) with the engine's
    /// <see cref="SamplingParams.FromJson"/>, token ids checked against the model's vocabulary; its
    /// field-naming exception becomes a 400 naming the same field.
    /// </summary>
    public static SamplingParams ParseSampling(JsonElement body, ServedModel model, ServerOptions options)
    {
        try
        {
            return SamplingParams.FromJson(body, Limits(model, options));
        }
        catch (SamplingParamsException e)
        {
            throw new RequestValidationException(e.Field, e.Message);
        }
    }

    /// <summary>The engine's validation limits for <paramref name="model"/> under the server's options.</summary>
    public static SamplingLimits Limits(ServedModel model, ServerOptions options) => new()
    {
        VocabSize = model.VocabSize, MaxLogprobs = options.MaxLogprobs, MaxN = options.MaxN,
    };

    /// <summary>Token ids each in [0, <paramref name="vocabSize"/>); errors name <c>field[i]</c>.</summary>
    public static IReadOnlyList<int>? CheckIds(JsonElement body, string field, int vocabSize)
    {
        if (!JsonFields.TryGet(body, field, out var v)) return null;
        var ids = JsonFields.AsIntList(v, field);
        for (var i = 0; i < ids.Length; i++)
            if ((uint)ids[i] >= (uint)vocabSize)
                throw new RequestValidationException(field, $"{field}[{i}] must be a token id in [0, {vocabSize}), got {ids[i]}.");
        return ids;
    }
}
