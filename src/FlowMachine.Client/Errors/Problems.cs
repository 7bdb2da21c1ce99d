using System.Net;
using System.Text.Json;

namespace FlowMachine.Client;

/// <summary>Turns an unsuccessful answer into the typed exception of its status.</summary>
internal static class Problems
{
    public static async Task<FlowMachineApiException> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        FlowMachineProblem? problem = null;
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (text.Length > 0)
        {
            try
            {
                problem = JsonSerializer.Deserialize<FlowMachineProblem>(text);
            }
            catch (JsonException)
            {
                // Not a problem document (a proxy's page): the status and text say enough.
            }
        }

        problem = (problem ?? new FlowMachineProblem { Detail = text.Length is > 0 and < 500 ? text : null }) with { Status = status };
        if (problem.Detail is null && problem.Title is null)
        {
            problem = problem with { Title = $"{status} {response.ReasonPhrase}".Trim() };
        }

        return response.StatusCode switch
        {
            HttpStatusCode.BadRequest => new FlowMachineValidationException(problem),
            HttpStatusCode.Unauthorized => new FlowMachineUnauthorizedException(problem),
            HttpStatusCode.Forbidden => new FlowMachineForbiddenException(problem),
            HttpStatusCode.NotFound => new FlowMachineNotFoundException(problem),
            HttpStatusCode.Conflict => new FlowMachineConflictException(problem),
            HttpStatusCode.RequestEntityTooLarge => new FlowMachineRequestTooLargeException(problem),
            _ => new FlowMachineApiException(problem),
        };
    }
}
