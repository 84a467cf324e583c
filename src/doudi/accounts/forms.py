from django import forms
from django.utils.translation import gettext_lazy as _


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(autocomplete="username", autofocus=True)
        self.fields["password"].widget.attrs.update(autocomplete="current-password")


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("Verification code"),
        regex=r"^\d{6}$",
        error_messages={"invalid": _("Enter the 6-digit code from your authenticator app.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["token"].widget.attrs.update(
            autocomplete="one-time-code", inputmode="numeric", autofocus=True
        )


def _role_choices():
    from doudi.accounts.roles import Role

    return [("", "—"), *Role.choices]


class JurisdictionField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.code}）"


def _jurisdiction_field():
    from doudi.registry.models import Jurisdiction

    return JurisdictionField(
        label=_("Jurisdiction"),
        queryset=Jurisdiction.objects.order_by("code"),
        required=False,
        empty_label="—",
    )


class AccountCreateForm(forms.Form):
    username = forms.RegexField(
        label=_("Username"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={"invalid": _("Use letters, digits and @ . + - _ only.")},
    )
    display_name = forms.CharField(label=_("Display name"), max_length=64, required=False)
    role = forms.ChoiceField(label=_("Role"))
    jurisdiction = forms.ModelChoiceField(queryset=None, required=False)
    department = forms.CharField(label=_("Department"), max_length=32, required=False)
    password = forms.CharField(
        label=_("Initial password"), strip=False, widget=forms.PasswordInput, min_length=12
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices()
        self.fields["jurisdiction"] = _jurisdiction_field()
        self.fields["password"].widget.attrs.update(autocomplete="new-password")

    def clean_password(self):
        from django.contrib.auth.password_validation import validate_password

        password = self.cleaned_data["password"]
        validate_password(password)
        return password


class AccountEditForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=64, required=False)
    department = forms.CharField(label=_("Department"), max_length=32, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"))
    jurisdiction = forms.ModelChoiceField(queryset=None, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices()
        self.fields["jurisdiction"] = _jurisdiction_field()


class EnrolPasswordForm(forms.Form):
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].widget.attrs.update(autocomplete="current-password", autofocus=True)


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Name (what the token is for)"), max_length=64)
    scope = forms.ChoiceField(label=_("Scope"))

    def __init__(self, *args, **kwargs):
        from doudi.accounts.models import ApiToken

        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = ApiToken.Scope.choices
