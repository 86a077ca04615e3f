using Server.Contracts;
using Server.Errors;
using Server.Generation;
using Server.Keys;

namespace Server.Endpoints;

/// <summary><c>GET /v1/models</c> and <c>/v1/models/{id}</c>: only the models the caller may use (api.md §5).</summary>
public static class ModelsEndpoints
{
    public static IEndpointRouteBuilder MapModels(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/models", (HttpContext http, IModelHost host) =>
        {
            var caller = CallerAccess.Get(http);
            var cards = host.Models.Where(m => caller is null || caller.MayUse(m.Id)).Select(Card).ToList();
            return TypedResults.Json(new ModelList("list", cards), ServerJsonContext.Relaxed.ModelList);
        });
        app.MapGet("/v1/models/{id}", (string id, HttpContext http, IModelHost host) =>
        {
            var caller = CallerAccess.Get(http);
            var model = host.Models.FirstOrDefault(m => m.Id == id && (caller is null || caller.MayUse(m.Id)))
                ?? throw new ModelNotFoundException("model", id);
            return TypedResults.Json(Card(model), ServerJsonContext.Relaxed.ModelCard);
        });
        return app;
    }

    private static ModelCard Card(ServedModel m) => new(
        m.Id, "model", m.Created, m.OwnedBy, m.Root, m.Parent, m.MaxModelLen,
        [new ModelPermission($"modelperm-{m.Id}", "model_permission", m.Created, false, true, true, false, true, false, "*", null, false)]);
}
