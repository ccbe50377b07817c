//! ACM: certificates and the wait for their validation.

super::resource_types! {
    regional;
    aws_acm_certificate::AwsAcmCertificate::new,
    aws_acm_certificate_validation::AwsAcmCertificateValidation::new,
}
