using System.Text;
using ConvertTool.Output;
using Loader.Config;
using Loader.Llama2c;
using Loader.Safetensors;

namespace ConvertTool.Llama2c;

/// <summary>
/// The JSON files of the converted Hugging Face directory: config.json, generation_config.json,
/// tokenizer_config.json and special_tokens_map.json. See tools/convert/README.md for the stop-token choice.
/// </summary>
internal static class Llama2cHfConfigFiles
{
    /// <summary>llama2.c's fixed ids: sentencepiece's unk 0, BOS 1, EOS 2.</summary>
    public const int UnkId = 0;

    public const int BosId = 1;

    public const int EosId = 2;

    /// <summary>
    /// run.c's generate loop ends when the model emits BOS (it starts a new document) and prints EOS like any
    /// other piece, so the id that stops generation is BOS.
    /// </summary>
    public const int StopId = BosId;

    public static void WriteConfig(string path, Llama2cConfig config, SafetensorsDtype dtype) => JsonFile.Write(path, json =>
    {
        json.WriteStartArray("architectures");
        json.WriteStringValue("LlamaForCausalLM");
        json.WriteEndArray();
        json.WriteString("model_type", "llama");
        json.WriteNumber("hidden_size", config.Dim);
        json.WriteNumber("intermediate_size", config.HiddenDim);
        json.WriteNumber("num_hidden_layers", config.NLayers);
        json.WriteNumber("num_attention_heads", config.NHeads);
        json.WriteNumber("num_key_value_heads", config.NKvHeads);
        json.WriteNumber("head_dim", config.HeadSize);
        json.WriteNumber("vocab_size", config.VocabSize);
        json.WriteNumber("max_position_embeddings", config.SeqLen);
        // run.c hard-codes both: rmsnorm's 1e-5f and RoPE's 10000.0f base.
        json.WriteNumber("rms_norm_eps", 1e-5);
        json.WriteNumber("rope_theta", 10000.0);
        json.WriteNull("rope_scaling");
        json.WriteString("hidden_act", "silu");
        json.WriteBoolean("attention_bias", false);
        json.WriteBoolean("mlp_bias", false);
        json.WriteBoolean("tie_word_embeddings", config.SharedClassifier);
        json.WriteNumber("bos_token_id", BosId);
        json.WriteNumber("eos_token_id", StopId);
        json.WriteString("torch_dtype", TorchDtypes.ToTorchName(dtype));
        json.WriteNumber("initializer_range", 0.02);
        json.WriteNumber("pretraining_tp", 1);
        json.WriteBoolean("use_cache", true);
    });

    public static void WriteGenerationConfig(string path) => JsonFile.Write(path, json =>
    {
        json.WriteNumber("bos_token_id", BosId);
        json.WriteStartArray("eos_token_id");
        json.WriteNumberValue(StopId);
        json.WriteEndArray();
        // run.c's defaults: temperature 1.0, top-p 0.9.
        json.WriteBoolean("do_sample", true);
        json.WriteNumber("temperature", 1.0);
        json.WriteNumber("top_p", 0.9);
    });

    public static void WriteTokenizerConfig(string path, Llama2cTokenizerFile tokenizer, int seqLen) => JsonFile.Write(path, json =>
    {
        json.WriteBoolean("add_bos_token", true);
        json.WriteBoolean("add_eos_token", false);
        json.WriteString("bos_token", Piece(tokenizer, BosId));
        json.WriteString("eos_token", Piece(tokenizer, EosId));
        json.WriteString("unk_token", Piece(tokenizer, UnkId));
        json.WriteNull("pad_token");
        json.WriteNumber("model_max_length", seqLen);
        json.WriteBoolean("clean_up_tokenization_spaces", false);
        json.WriteString("tokenizer_class", "LlamaTokenizerFast");
    });

    public static void WriteSpecialTokensMap(string path, Llama2cTokenizerFile tokenizer) => JsonFile.Write(path, json =>
    {
        json.WriteString("bos_token", Piece(tokenizer, BosId));
        json.WriteString("eos_token", Piece(tokenizer, EosId));
        json.WriteString("unk_token", Piece(tokenizer, UnkId));
    });

    private static string Piece(Llama2cTokenizerFile tokenizer, int id) => Encoding.UTF8.GetString(tokenizer.Pieces[id]);
}
