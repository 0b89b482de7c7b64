//! The folder's VMs by name: read with one retrieval, then looked up without a call, kept
//! up to date with what the run creates and destroys.

use std::time::Duration;

use vsphere::collector::Props;
use vsphere::soap::Moref;
use vsphere::vcsim::{PASSWORD, USER, Vcsim};
use vsphere::vm_index::VmIndex;
use vsphere::{Client, Connection};

#[tokio::test]
async fn the_folder_is_read_once_whatever_the_number_of_lookups() {
    let Some(sim) = Vcsim::start("the_folder_is_read_once", &[]) else {
        return;
    };
    let client = Client::connect(&Connection {
        url: sim.url.clone(),
        user: USER.into(),
        password: PASSWORD.into(),
        insecure: false,
        ca_file: None,
        max_concurrent: 4,
        call_timeout: Duration::from_secs(30),
    })
    .await
    .unwrap();
    let root = client.content().root_folder.clone();
    let template = client
        .contents(
            &root,
            &[Props {
                kind: "VirtualMachine",
                paths: &["name"],
            }],
        )
        .await
        .unwrap()
        .remove(0);
    let index = VmIndex::default();
    let before = client.calls();
    let found = index.get(&client, &root, "template-linux").await.unwrap();
    assert_eq!(found, template.obj);
    let first = client.calls() - before;
    assert!(first > 0, "the first lookup reads the folder");
    for i in 0..100 {
        let name = format!("strata-vm.web[{i}]");
        assert_eq!(index.get(&client, &root, &name).await.unwrap(), None);
    }
    assert_eq!(client.calls() - before, first, "later lookups make no call");

    let made = Moref::new("VirtualMachine", "vm-made");
    index.created("strata-vm.web[7]", &made).await;
    let got = index.get(&client, &root, "strata-vm.web[7]").await.unwrap();
    assert_eq!(got, Some(made.clone()));
    index.destroyed(&made).await;
    assert_eq!(
        index.get(&client, &root, "strata-vm.web[7]").await.unwrap(),
        None
    );
    // A VM destroyed under a name since taken by another keeps the other.
    let other = Moref::new("VirtualMachine", "vm-other");
    index.created("strata-vm.web[8]", &made).await;
    index.created("strata-vm.web[8]", &other).await;
    index.destroyed(&made).await;
    let got = index.get(&client, &root, "strata-vm.web[8]").await.unwrap();
    assert_eq!(got, Some(other));
    assert_eq!(client.calls() - before, first);
    client.logout().await;
}
