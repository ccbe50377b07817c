//! ACM data sources.

super::data_source_types! {
    regional_data;
    aws_acm_certificate::AwsAcmCertificateData::new,
}
