using MudBlazor;

namespace Orchestration.Endpoints.Gateway.Portal;

/// <summary>
/// A form's field errors from the API's last answer, so each field shows its own beside it (MudBlazor's
/// <c>Error</c>/<c>ErrorText</c>); a refusal that names no field, such as a conflict, goes to the snackbar.
/// </summary>
public sealed class FormErrors
{
    IReadOnlyDictionary<string, string[]> _errors = new Dictionary<string, string[]>();

    public bool Has(string field) => _errors.ContainsKey(field);

    public string Text(string field) => _errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : "";

    /// <summary>Runs the call; answers <c>true</c> when it succeeded, else keeps the problem's field errors and shows the problem.</summary>
    public async Task<bool> TryAsync(ISnackbar snackbar, Func<Task> call)
    {
        try
        {
            await call();
            _errors = new Dictionary<string, string[]>();
            return true;
        }
        catch (PortalApiException problem)
        {
            _errors = problem.Errors;
            snackbar.Add(problem.Message, Severity.Error);
            return false;
        }
    }
}
