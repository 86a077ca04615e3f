using System.Text.Json;

namespace Loader.Config;

/// <summary>Builds <see cref="HfModelConfig"/> from config.json, applying the architecture's transformers defaults.</summary>
internal static class HfModelConfigParser
{
    public static HfModelConfig Parse(string json, string file)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new ModelConfigException(file, null, $"not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ModelConfigException(file, null, "config.json must hold a JSON object");
            }
            return Build(new JsonFields(document.RootElement, file));
        }
    }

    private static HfModelConfig Build(JsonFields f)
    {
        var architecture = ResolveArchitecture(f);
        var hidden = Positive(f, "hidden_size", f.RequiredInt("hidden_size"));
        var heads = Positive(f, "num_attention_heads", f.RequiredInt("num_attention_heads"));
        var kvHeads = Positive(f, "num_key_value_heads", f.OptionalInt("num_key_value_heads") ?? heads);
        if (heads % kvHeads != 0)
        {
            throw new ModelConfigException(f.File, "num_key_value_heads", $"{kvHeads} does not divide num_attention_heads {heads}");
        }
        var headDim = f.OptionalInt("head_dim") ?? architecture.DefaultHeadDim ?? DivideHidden(f, hidden, heads);
        Positive(f, "head_dim", headDim);
        var act = f.OptionalString("hidden_act") ?? "silu";
        if (act is not ("silu" or "swish"))
        {
            throw new ModelConfigException(f.File, "hidden_act", $"unsupported activation '{act}'; supported: silu (swish)");
        }
        var attentionBias = f.OptionalBool("attention_bias") ?? false;
        var (ropeTheta, ropeScaling) = RopeScalingParser.Parse(f);
        return new HfModelConfig
        {
            Architecture = architecture.Name,
            ModelType = architecture.ModelType,
            HiddenSize = hidden,
            IntermediateSize = Positive(f, "intermediate_size", f.RequiredInt("intermediate_size")),
            NumHiddenLayers = Positive(f, "num_hidden_layers", f.RequiredInt("num_hidden_layers")),
            NumAttentionHeads = heads,
            NumKeyValueHeads = kvHeads,
            HeadDim = headDim,
            VocabSize = Positive(f, "vocab_size", f.RequiredInt("vocab_size")),
            MaxPositionEmbeddings = Positive(f, "max_position_embeddings", f.OptionalInt("max_position_embeddings") ?? architecture.DefaultMaxPositionEmbeddings),
            RmsNormEps = f.OptionalDouble("rms_norm_eps") ?? 1e-6,
            RopeTheta = ropeTheta,
            RopeScaling = ropeScaling,
            TieWordEmbeddings = f.OptionalBool("tie_word_embeddings") ?? false,
            QkvBias = architecture.QkvBiasAlways || (architecture.ModelType != "mistral" && attentionBias),
            OutputBias = architecture.ModelType is "llama" or "qwen3" && attentionBias,
            MlpBias = architecture.ModelType == "llama" && (f.OptionalBool("mlp_bias") ?? false),
            QkNorm = architecture.HasQkNorm,
            SlidingWindow = ResolveSlidingWindow(f, architecture),
            MaxWindowLayers = architecture.SlidingWindowNeedsFlag ? f.OptionalInt("max_window_layers") : null,
            BosTokenId = f.OptionalInt("bos_token_id"),
            EosTokenIds = f.IntOrIntList("eos_token_id"),
            TorchDtype = f.OptionalString("torch_dtype") ?? f.OptionalString("dtype"),
            HiddenAct = "silu",
        };
    }

    private static HfArchitecture ResolveArchitecture(JsonFields f)
    {
        string? name = null;
        if (f.Root.TryGetProperty("architectures", out var list) && list.ValueKind == JsonValueKind.Array && list.GetArrayLength() > 0)
        {
            name = list[0].ValueKind == JsonValueKind.String
                ? list[0].GetString()
                : throw new ModelConfigException(f.File, "architectures", "expected a list of strings");
        }
        var modelType = f.OptionalString("model_type");
        var byName = name is null ? null : HfArchitecture.All.FirstOrDefault(a => a.Name == name);
        if (name is not null && byName is null)
        {
            throw new ModelConfigException(f.File, "architectures", $"unsupported architecture '{name}'; supported: {HfArchitecture.SupportedList}");
        }
        var byType = modelType is null ? null : HfArchitecture.All.FirstOrDefault(a => a.ModelType == modelType);
        if (modelType is not null && byType is null)
        {
            throw new ModelConfigException(f.File, "model_type", $"unsupported model_type '{modelType}'; supported: {HfArchitecture.SupportedList}");
        }
        if (byName is not null && byType is not null && byName != byType)
        {
            throw new ModelConfigException(f.File, "model_type", $"'{modelType}' does not match architecture '{name}' (expected '{byName.ModelType}')");
        }
        return byName ?? byType ?? throw new ModelConfigException(f.File, "architectures", $"neither architectures nor model_type is given; supported: {HfArchitecture.SupportedList}");
    }

    private static int? ResolveSlidingWindow(JsonFields f, HfArchitecture architecture)
    {
        if (architecture.ModelType == "llama")
        {
            return null;
        }
        var window = f.OptionalInt("sliding_window");
        if (architecture.SlidingWindowNeedsFlag && !(f.OptionalBool("use_sliding_window") ?? false))
        {
            return null;
        }
        return window is null ? null : Positive(f, "sliding_window", window.Value);
    }

    private static int DivideHidden(JsonFields f, int hidden, int heads) =>
        hidden % heads == 0
            ? hidden / heads
            : throw new ModelConfigException(f.File, "num_attention_heads", $"hidden_size {hidden} is not divisible by {heads} heads and no head_dim is given");

    private static int Positive(JsonFields f, string name, int value) =>
        value > 0 ? value : throw new ModelConfigException(f.File, name, $"must be positive, found {value}");
}
