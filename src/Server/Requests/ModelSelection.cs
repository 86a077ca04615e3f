using System.Text.Json;
using Server.Errors;
using Server.Generation;
using Server.Keys;

namespace Server.Requests;

/// <summary>
/// Picks the model a request runs on: <c>multi_models</c> (every entry must exist and be allowed, then one
/// is drawn uniformly with server randomness, api.md §11.2) or <c>model</c>, access-checked (§3.2).
/// </summary>
public sealed class ModelSelection(IModelHost host, Random random)
{
    /// <summary>Server cap on the length of <c>multi_models</c>.</summary>
    public const int MaxMultiModels = 16;

    /// <param name="modelOptional">True for tokenize/detokenize: absent → the server's first model.</param>
    public ServedModel Select(JsonElement body, CallerIdentity? caller, bool modelOptional)
    {
        if (JsonFields.TryGet(body, "multi_models", out var list))
        {
            if (list.ValueKind != JsonValueKind.Array) throw JsonFields.TypeError("multi_models", "a list of model ids", list);
            var count = list.GetArrayLength();
            if (count is 0 or > MaxMultiModels)
                throw new RequestValidationException("multi_models", $"multi_models must hold 1 to {MaxMultiModels} model ids, got {count}.");
            var candidates = new ServedModel[count];
            var i = 0;
            foreach (var item in list.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String) throw JsonFields.TypeError($"multi_models[{i}]", "a string", item);
                candidates[i++] = Authorize(item.GetString()!, caller, "multi_models");
            }
            // Duplicates weigh more: a plain uniform pick over the list as given.
            int pick;
            lock (random) pick = random.Next(count);
            return candidates[pick];
        }
        var name = JsonFields.String(body, "model");
        if (name is null)
        {
            if (!modelOptional) throw new RequestValidationException("model", "model is required (or multi_models).");
            foreach (var m in host.Models)
                if (caller is null || caller.MayUse(m.Id)) return m;
            throw new ModelAccessDeniedException("Your account does not have access to any model.");
        }
        return Authorize(name, caller, "model");
    }

    public ServedModel Authorize(string name, CallerIdentity? caller, string param)
    {
        ServedModel? model = null;
        foreach (var m in host.Models)
            if (m.Id == name) model = m;
        if (model is null) throw new ModelNotFoundException(param, name);
        if (caller is not null && !caller.MayUse(name)) throw new ModelAccessDeniedException(param, name);
        return model;
    }
}
