//! Customers: finding them by email and reading one by ID. Each operation is
//! its input type, its [`Operation`] entry, the Gorgias requests it builds
//! and the mapping of the answer.

use crate::error::Error;
use crate::gorgias::client::Client;
use crate::gorgias::request::ApiRequest;
use crate::ops::fields::id as id_field;
use crate::ops::fields::{check_email, check_id, check_non_empty};
use crate::ops::operation::{Operation, types};
use crate::ops::spec::{Access, Spec};
use crate::ops::wire::{ListAnswer, decode, lenient_string};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Input of find-customer-by-email.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FindCustomerByEmail {
    /// The address.
    #[schemars(
        schema_with = "crate::schema::trimmed_email",
        description = "Email address to search for"
    )]
    pub email: String,
}

/// What find-customer-by-email answers: `{"customers": [...]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct CustomerList {
    /// The matching customers.
    #[schemars(description = "The matching customers")]
    pub customers: Vec<Customer>,
}

impl Operation for FindCustomerByEmail {
    const SPEC: &'static Spec = &Spec {
        name: "find-customer-by-email",
        title: "Find Customer by Email",
        description: "Look up Gorgias customers by their email address (the primary address first, then the customers' email channels).",
        access: Access::Read,
        idempotent: true,
        endpoint: "GET /api/customers?email=, then GET /api/customers?channel_type=email&channel_address=",
        example: r#"{"email": "customer@example.com"}"#,
        types: types::<Self>(),
    };
    type Output = CustomerList;
    fn run(self, c: &mut Client<'_>) -> Result<CustomerList, Error> {
        find_customer_by_email(c, &self.email).map(|customers| CustomerList { customers })
    }
}

// ---- 10. find-customer-by-email ----------------------------------------------

/// `GET /api/customers?email=…` (the primary address).
pub fn find_customer_request(email: &str) -> Result<ApiRequest, Error> {
    check_non_empty("email", email)?;
    check_email("email", Some(email.trim()))?;
    // The schema's `maxLength` counts the value as sent, so the padding the
    // trim removes counts too: code and schema refuse the same values.
    if email.chars().count() > 320 {
        return Err(Error::invalid(
            "email",
            "must be at most 320 characters, surrounding whitespace included",
        ));
    }
    Ok(ApiRequest::get(
        "/api/customers",
        vec![("email".into(), email.trim().into())],
    ))
}

/// `GET /api/customers?channel_type=email&channel_address=…` (any email channel).
pub fn find_customer_by_channel_request(email: &str) -> ApiRequest {
    ApiRequest::get(
        "/api/customers",
        vec![
            ("channel_type".into(), "email".into()),
            ("channel_address".into(), email.into()),
        ],
    )
}

/// Runs find-customer-by-email: `?email=` matches the primary address only,
/// so when it finds none the address is looked up among the customers' email
/// channels; when that finds none either and the address has upper-case
/// letters (Unicode's, as `str::to_lowercase` knows them), both are tried
/// once more in lower case. At most four calls.
pub fn find_customer_by_email(c: &mut Client<'_>, email: &str) -> Result<Vec<Customer>, Error> {
    let first = find_customer_request(email)?;
    let email = email.trim();
    // Unicode's lower case, not only ASCII's: internationalized addresses
    // (`Ölaf@Exämple.com`) are folded too. (It was ASCII-only to save ~18 KB
    // of case tables while a 640 KiB budget shaped the code.)
    let lower = email.to_lowercase();
    let mut tries = vec![email];
    if lower != email {
        tries.push(&lower);
    }
    for (i, addr) in tries.into_iter().enumerate() {
        let by_primary = if i == 0 {
            first.clone()
        } else {
            find_customer_request(addr)?
        };
        let found = c.call(&by_primary, parse_customers)?;
        if !found.is_empty() {
            return Ok(found);
        }
        let found = c.call(&find_customer_by_channel_request(addr), parse_customers)?;
        if !found.is_empty() {
            return Ok(found);
        }
    }
    Ok(Vec::new())
}

/// Input of get-customer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GetCustomer {
    /// The customer.
    #[serde(deserialize_with = "id_field")]
    #[schemars(schema_with = "crate::schema::id", description = "The Gorgias customer ID")]
    pub customer_id: u64,
}

/// What get-customer answers: `{"customer": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct CustomerAnswer {
    /// The customer.
    pub customer: Customer,
}

impl Operation for GetCustomer {
    const SPEC: &'static Spec = &Spec {
        name: "get-customer",
        title: "Get Customer",
        description: "Retrieve a single Gorgias customer by ID (e.g. a ticket's customer_id).",
        access: Access::Read,
        idempotent: true,
        endpoint: "GET /api/customers/{id}",
        example: r#"{"customerId": 98765}"#,
        types: types::<Self>(),
    };
    type Output = CustomerAnswer;
    fn run(self, c: &mut Client<'_>) -> Result<CustomerAnswer, Error> {
        check_id("customerId", self.customer_id)?;
        let r = ApiRequest::get(format!("/api/customers/{}", self.customer_id), vec![]);
        c.call(&r, parse_customer).map(|customer| CustomerAnswer { customer })
    }
}

// ---- the records it answers with, and Gorgias's JSON -------------------------

/// A customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Customer {
    /// Customer ID.
    #[schemars(description = "The customer ID")]
    pub id: u64,
    /// Full name.
    #[schemars(description = "The customer's full name")]
    pub name: Option<String>,
    /// First name.
    #[schemars(description = "The customer's first name")]
    pub firstname: Option<String>,
    /// Last name.
    #[schemars(description = "The customer's last name")]
    pub lastname: Option<String>,
    /// Primary email.
    #[schemars(description = "The customer's email address")]
    pub email: Option<String>,
    /// External ID.
    #[schemars(description = "The customer's external ID")]
    pub external_id: Option<String>,
    /// Creation time.
    #[schemars(description = "When the customer was created")]
    pub created_datetime: Option<String>,
}

#[derive(Deserialize)]
struct WireCustomer {
    id: u64,
    name: Option<String>,
    firstname: Option<String>,
    lastname: Option<String>,
    email: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    external_id: Option<String>,
    created_datetime: Option<String>,
}

impl From<WireCustomer> for Customer {
    fn from(c: WireCustomer) -> Customer {
        Customer {
            id: c.id,
            name: c.name,
            firstname: c.firstname,
            lastname: c.lastname,
            email: c.email,
            external_id: c.external_id,
            created_datetime: c.created_datetime,
        }
    }
}

/// `GET /api/customers/{id}` → [`Customer`].
pub fn parse_customer(body: &[u8]) -> Result<Customer, String> {
    decode::<WireCustomer>(body).map(Customer::from)
}

/// `GET /api/customers` → customers.
pub fn parse_customers(body: &[u8]) -> Result<Vec<Customer>, String> {
    Ok(decode::<ListAnswer<WireCustomer>>(body)?
        .items
        .into_iter()
        .map(Customer::from)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::gorgias::testing::{Scripted, client, field};
    use serde_json::json;

    #[test]
    fn customer_lookup_falls_back_to_email_channels_then_lower_case() {
        let empty = || Scripted::json(200, r#"{"data":[],"meta":{"next_cursor":null}}"#);
        let jane =
            r#"{"data":[{"id":98767,"email":"jane.primary@example.com","name":"Jane"}],"meta":{"next_cursor":null}}"#;
        let mut t = Scripted::new(vec![empty(), Scripted::json(200, jane)]);
        let out = FindCustomerByEmail {
            email: "jane@work.example".into(),
        }
        .run(&mut client(&mut t, "find-customer-by-email"))
        .unwrap();
        assert_eq!(out.customers.iter().map(|c| c.id).collect::<Vec<_>>(), vec![98767]);
        assert_eq!(
            t.lines(),
            vec![
                "GET /api/customers?email=jane%40work.example",
                "GET /api/customers?channel_type=email&channel_address=jane%40work.example"
            ]
        );
        let mut t = Scripted::new(vec![empty(), empty(), empty(), Scripted::json(200, jane)]);
        let out = FindCustomerByEmail {
            email: "Jane@Work.example".into(),
        }
        .run(&mut client(&mut t, "find-customer-by-email"))
        .unwrap();
        assert_eq!(out.customers.len(), 1);
        assert_eq!(
            t.lines(),
            vec![
                "GET /api/customers?email=Jane%40Work.example",
                "GET /api/customers?channel_type=email&channel_address=Jane%40Work.example",
                "GET /api/customers?email=jane%40work.example",
                "GET /api/customers?channel_type=email&channel_address=jane%40work.example"
            ]
        );
        let mut t = Scripted::new(vec![empty(), empty()]);
        let out = FindCustomerByEmail {
            email: "nobody@example.com".into(),
        }
        .run(&mut client(&mut t, "find-customer-by-email"))
        .unwrap();
        assert!(out.customers.is_empty());
        assert_eq!(t.lines().len(), 2);
    }

    #[test]
    fn get_customer_reads_the_detail_and_refuses_zero() {
        let mut t = Scripted::new(vec![Scripted::json(
            200,
            include_str!("../../tests/fixtures/customer_detail.json"),
        )]);
        let out = Operation::run(
            GetCustomer { customer_id: 486721622 },
            &mut client(&mut t, "get-customer"),
        )
        .unwrap();
        assert_eq!(t.lines(), vec!["GET /api/customers/486721622"]);
        assert_eq!(
            serde_json::to_value(&out).unwrap(),
            json!({"customer": {"id": 486721622, "name": null, "firstname": "", "lastname": "", "email": "nango@example.com",
                "external_id": null, "created_datetime": "2025-02-06T14:47:40.122719+00:00"}})
        );
        let mut t = Scripted::new(vec![]);
        assert_eq!(
            field(Operation::run(GetCustomer { customer_id: 0 }, &mut client(&mut t, "get-customer")).unwrap_err()),
            "customerId"
        );
    }

    #[test]
    fn customer_lookup_encodes_email() {
        assert_eq!(
            find_customer_request("customer@example.com").unwrap().path_and_query(),
            "/api/customers?email=customer%40example.com"
        );
        assert_eq!(field(find_customer_request("").unwrap_err()), "email");
        assert_eq!(field(find_customer_request("not-an-email").unwrap_err()), "email");
    }

    #[test]
    fn customers_list_and_empty_list() {
        let c = parse_customers(br#"{"object":"list","data":[{"id":98765,"name":"Jane Doe","firstname":"Jane","lastname":"Doe","email":"customer@example.com","external_id":null,"created_datetime":"2024-11-14T13:56:16+00:00","active":true}],"meta":{"next_cursor":null}}"#).unwrap();
        assert_eq!(c[0].id, 98765);
        assert!(parse_customers(br#"{"data": [], "object": "list", "uri": "/api/customers?email=nango%40example.com", "meta": {"prev_cursor": null, "next_cursor": null}}"#).unwrap().is_empty());
    }

    /// The schema's `maxLength` (320) counts surrounding whitespace; so does the code.
    #[test]
    fn email_length_counts_the_padding_as_the_schema_does() {
        let schema = FindCustomerByEmail::SPEC.input_schema();
        let max = schema["properties"]["email"]["maxLength"].as_u64().unwrap() as usize;
        let address = format!("{}@example.com", "a".repeat(max - "@example.com".len()));
        assert_eq!(address.chars().count(), max);
        assert!(find_customer_request(&address).is_ok());
        // Padding within the limit is trimmed away.
        assert!(find_customer_request(&format!(" {}", &address[1..])).is_ok());
        for padded in [
            format!(" {address}"),
            format!("{address}\t"),
            format!("\u{a0}{address}"),
        ] {
            let schema_ok = crate::schema::check_schema(&serde_json::json!({"email": padded}), &schema, "$").is_ok();
            let code_ok = find_customer_request(&padded).is_ok();
            assert_eq!((schema_ok, code_ok), (false, false), "{padded:?}");
        }
    }

    #[test]
    fn the_lower_case_retry_folds_non_ascii_letters_too() {
        let none = || Scripted::json(200, r#"{"data": [], "meta": {"next_cursor": null}}"#);
        let mut t = Scripted::new(vec![none(), none(), none(), none()]);
        let found = find_customer_by_email(&mut client(&mut t, "find-customer-by-email"), "Ölaf@Exämple.com").unwrap();
        assert!(found.is_empty());
        let lines = t.lines();
        assert_eq!(lines.len(), 4, "{lines:?}");
        assert!(lines[2].contains("email=%C3%B6laf%40ex%C3%A4mple.com"), "{lines:?}");
    }
}
