//! Customers: finding them by email and reading one by ID. Each operation is
//! its input type, its [`Operation`] entry, the Gorgias requests it builds
//! and the mapping of the answer.

use crate::catalog::{self, Operation as Spec};
use crate::client::{ApiRequest, Client, Transport};
use crate::error::Error;
use crate::model::{self, Customer};
use crate::ops::*;
use crate::params::id as id_field;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Input of find-customer-by-email.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FindCustomerByEmail {
    /// The address.
    #[schemars(schema_with = "catalog::trimmed_email", description = "Email address to search for")]
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
        read_only: true,
        idempotent: true,
        endpoint: "GET /api/customers?email=, then GET /api/customers?channel_type=email&channel_address=",
        example: r#"{"email": "customer@example.com"}"#,
        schemas: schemas::<Self>(),
    };
    type Output = CustomerList;
    fn run<T: Transport>(self, c: &mut Client<T>) -> Result<CustomerList, Error> {
        find_customer_by_email(c, &self.email).map(|customers| CustomerList { customers })
    }
}

// ---- 10. find-customer-by-email ----------------------------------------------

/// `GET /api/customers?email=…` (the primary address).
pub fn find_customer_request(email: &str) -> Result<ApiRequest, Error> {
    check_non_empty("email", email)?;
    check_email("email", Some(email.trim()))?;
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
/// channels; when that finds none either and the address has ASCII
/// upper-case letters, both are tried once more with them in lower case. At
/// most four calls.
pub fn find_customer_by_email<T: Transport>(c: &mut Client<T>, email: &str) -> Result<Vec<Customer>, Error> {
    let first = find_customer_request(email)?;
    let email = email.trim();
    // ASCII only: `to_lowercase` links Unicode's case tables (~18 KB of the
    // component) for addresses that are ASCII in practice.
    let lower = email.to_ascii_lowercase();
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
        let found = c.call(&by_primary, model::parse_customers)?;
        if !found.is_empty() {
            return Ok(found);
        }
        let found = c.call(&find_customer_by_channel_request(addr), model::parse_customers)?;
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
    #[schemars(schema_with = "catalog::id", description = "The Gorgias customer ID")]
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
        read_only: true,
        idempotent: true,
        endpoint: "GET /api/customers/{id}",
        example: r#"{"customerId": 98765}"#,
        schemas: schemas::<Self>(),
    };
    type Output = CustomerAnswer;
    fn run<T: Transport>(self, c: &mut Client<T>) -> Result<CustomerAnswer, Error> {
        check_id("customerId", self.customer_id)?;
        let r = ApiRequest::get(format!("/api/customers/{}", self.customer_id), vec![]);
        c.call(&r, model::parse_customer)
            .map(|customer| CustomerAnswer { customer })
    }
}
