using System.Text.Json.Serialization;

namespace Server.Contracts;

/// <summary>Source-generated, snake_case serialisation of every response contract.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    Converters = [typeof(StopReasonJsonConverter)])]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(StreamErrorEvent))]
[JsonSerializable(typeof(ModelList))]
[JsonSerializable(typeof(ModelCard))]
[JsonSerializable(typeof(CompletionResponse))]
[JsonSerializable(typeof(CompletionChunk))]
[JsonSerializable(typeof(ChatCompletionResponse))]
[JsonSerializable(typeof(ChatChunk))]
[JsonSerializable(typeof(TokenizeResponse))]
[JsonSerializable(typeof(DetokenizeResponse))]
[JsonSerializable(typeof(VersionResponse))]
public sealed partial class ServerJsonContext : JsonSerializerContext;
